/**
 * Why input from Binance (or a trade on its way to PostgreSQL) was quarantined instead of used. Metric label values,
 * so snake_case and stable.
 */
export type QuarantineKind =
  /** Not JSON, or a trade whose symbol, decimals, ids or flag are not well formed. */
  | 'malformed'
  /** A trade time outside what PostgreSQL stores or Binance can plausibly send (`TRADE_TIME_RANGE`). */
  | 'time_out_of_range'
  /** A stream frame whose `s` is not the symbol its stream name is for. */
  | 'symbol_mismatch'
  /** A stream frame over `MAX_STREAM_FRAME_BYTES` (ws closes the connection on it). */
  | 'frame_oversized'
  /** A REST body over its request's byte bound. */
  | 'body_oversized'
  /** A REST `aggTrades` page whose ids do not rise strictly. */
  | 'page_not_ascending'
  /** A REST `aggTrades` page with more rows than asked, or ids or times outside the range asked for. */
  | 'page_outside_range'
  /** A trade the history batch cannot hold exactly (text that is not a decimal, a number or time beyond what it stores). */
  | 'not_storable';

/** Input refused as hostile or impossible; `kind` says why, for counting. Knows nothing of HTTP. */
export class RefusedInputError extends Error {
  override readonly name = 'RefusedInputError';
  readonly code = 'BINANCE_INPUT_REFUSED';

  constructor(
    readonly kind: QuarantineKind,
    message: string,
  ) {
    super(message);
  }
}
