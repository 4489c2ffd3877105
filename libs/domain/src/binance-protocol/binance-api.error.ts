/**
 * An answer in Binance's error form: HTTP status plus `{"code","msg"}` (rest-api.md "Error Codes", errors.md). Codes
 * and texts are Binance's own, so clients that branch on them (ccxt maps codes to its exception classes) behave.
 */
export class BinanceApiError extends Error {
  override readonly name = 'BinanceApiError';

  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
    readonly retryAfterSec?: number,
  ) {
    super(msg);
  }

  get body(): string {
    return JSON.stringify({ code: this.code, msg: this.msg });
  }
}

export const SYMBOL_RANGE = '^[A-Z0-9-_.]{1,20}$';
export const SYMBOLS_RANGE = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$';
export const NUMBER_RANGE = '^[0-9]{1,20}$';

export const BinanceApiErrors = {
  invalidSymbol: () => new BinanceApiError(400, -1121, 'Invalid symbol.'),
  mandatory: (parameter: string) =>
    new BinanceApiError(400, -1102, `Mandatory parameter '${parameter}' was not sent, was empty/null, or malformed.`),
  illegalChars: (parameter: string, range: string) =>
    new BinanceApiError(400, -1100, `Illegal characters found in parameter '${parameter}'; legal range is '${range}'.`),
  invalidParameter: (parameter: string) => new BinanceApiError(400, -1130, `Data sent for parameter '${parameter}' is not valid.`),
  badCombination: () => new BinanceApiError(400, -1128, 'Combination of optional parameters invalid.'),
  invalidInterval: () => new BinanceApiError(400, -1120, 'Invalid interval.'),
  invalidSymbolStatus: () => new BinanceApiError(400, -1122, 'Invalid symbolStatus.'),
  invalidTickerType: () => new BinanceApiError(400, -1139, 'Invalid ticker type.'),
  duplicateSymbols: () => new BinanceApiError(400, -1151, 'Symbol is present multiple times in the list.'),
  statusMismatch: () => new BinanceApiError(400, -1220, "The symbol's status does not match the requested symbolStatus."),
  tooMuchWeight: (limit: number, retryAfterSec: number) =>
    new BinanceApiError(
      429,
      -1003,
      `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
      retryAfterSec,
    ),
  banned: (until: number, retryAfterSec: number) =>
    new BinanceApiError(
      418,
      -1003,
      `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`,
      retryAfterSec,
    ),
  /** Our history reads are all taken (the gates in front of PostgreSQL): try again shortly. */
  serverBusy: () =>
    new BinanceApiError(503, -1008, 'Server is currently overloaded with other requests. Please try again in a few minutes.', 1),
  /** A store did not answer (PostgreSQL, Redis, Binance's listing): Binance's "internal error, try again". */
  internal: () => new BinanceApiError(503, -1001, 'Internal error; unable to process your request. Please try again.', 1),
  /** Binance's own spelling ("occured") is kept on purpose. */
  unknown: (retryAfterSec?: number) =>
    new BinanceApiError(500, -1000, 'An unknown error occured while processing the request.', retryAfterSec),
  /** The emulator's unknown-path answer (Binance's own varies with the Accept header), which the service copies. */
  notFound: () => new BinanceApiError(404, -1000, 'Not found.'),
} as const;
