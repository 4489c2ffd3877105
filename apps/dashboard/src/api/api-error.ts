/** The API's error body: `{statusCode, error, message, code?, details?}` (README "API"). */
export interface ApiErrorBody {
  statusCode?: number;
  error?: string;
  message?: string;
  code?: string;
  details?: string[];
}

/** A refused request, with what the API said and the same said for people. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | null,
    readonly words: string,
    readonly retryAfterS: number | null = null,
  ) {
    super(words);
  }

  get code(): string | undefined {
    return this.body?.code;
  }

  /** The key was missing or refused: asking for one (again) may help. */
  get needsKey(): boolean {
    return this.status === 401;
  }
}

/** What the user was doing, so the words can name it. */
export interface ErrorContext {
  action: 'add' | 'remove' | 'read';
  symbol?: string;
}

/** Turns an error answer into a sentence for the page: the API's codes in words, its own message otherwise. */
export function describeApiError(status: number, body: ApiErrorBody | null, { action, symbol }: ErrorContext, retryAfterS: number | null = null): string {
  const name = symbol ?? 'The symbol';
  switch (body?.code) {
    case 'SYMBOL_UNKNOWN':
      return `${name} is not a symbol Binance lists. Check the spelling, e.g. BTCUSDT.`;
    case 'SYMBOL_NOT_TRADING':
      return `${name} is listed on Binance but not trading now${statusOf(body.message)}, so it cannot be tracked.`;
    case 'SYMBOL_NOT_TRACKED':
      return action === 'remove' ? `${name} is not tracked any more.` : `${name} is not tracked.`;
    case 'EXCHANGE_UNAVAILABLE':
      return 'Binance could not be reached to check the symbol. Try again in a moment.';
    case 'API_KEY_REQUIRED':
      return `An API key is required to ${action === 'remove' ? 'remove' : 'add'} symbols.`;
    case 'API_KEY_INVALID':
      return 'The API key was refused. Enter a valid key.';
    case 'RATE_LIMITED':
      return `Too many requests from this browser. Try again in ${retryAfterS ?? 1} s.`;
    default:
      break;
  }
  if (status === 400) {
    return body?.details?.join('; ') || body?.message || 'The request was refused as malformed.';
  }
  if (status === 0) {
    return 'The service could not be reached. Check the connection and try again.';
  }
  return body?.message ? `${body.message} (HTTP ${status})` : `The service answered HTTP ${status}.`;
}

/** " (status HALT)" from the API's "… is not trading on Binance (status HALT)", or nothing. */
function statusOf(message: string | undefined): string {
  const match = /\(status ([A-Z_]+)\)/.exec(message ?? '');
  return match ? ` (status ${match[1]})` : '';
}
