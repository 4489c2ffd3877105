/** A Binance REST error: HTTP status plus the `{"code","msg"}` body (rest-api.md, "Error Codes"; codes in errors.md). */
export class RestError extends Error {
  override readonly name = 'RestError';

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
export const NUMBER_RANGE = '^[0-9]{1,20}$';

export const RestErrors = {
  invalidSymbol: () => new RestError(400, -1121, 'Invalid symbol.'),
  mandatory: (parameter: string) =>
    new RestError(400, -1102, `Mandatory parameter '${parameter}' was not sent, was empty/null, or malformed.`),
  illegalChars: (parameter: string, range: string) =>
    new RestError(400, -1100, `Illegal characters found in parameter '${parameter}'; legal range is '${range}'.`),
  invalidParameter: (parameter: string) =>
    new RestError(400, -1130, `Data sent for parameter '${parameter}' is not valid.`),
  badCombination: () => new RestError(400, -1128, 'Combination of optional parameters invalid.'),
  invalidInterval: () => new RestError(400, -1120, 'Invalid interval.'),
  invalidSymbolStatus: () => new RestError(400, -1122, 'Invalid symbolStatus.'),
  statusMismatch: () => new RestError(400, -1220, "The symbol's status does not match the requested symbolStatus."),
  tooMuchWeight: (limit: number, retryAfterSec: number) =>
    new RestError(
      429,
      -1003,
      `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
      retryAfterSec,
    ),
  banned: (until: number, retryAfterSec: number) =>
    new RestError(
      418,
      -1003,
      `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`,
      retryAfterSec,
    ),
  /** Binance's own spelling ("occured") is kept on purpose. */
  unknown: (retryAfterSec?: number) =>
    new RestError(500, -1000, 'An unknown error occured while processing the request.', retryAfterSec),
  notFound: () => new RestError(404, -1000, 'Not found.'),
} as const;
