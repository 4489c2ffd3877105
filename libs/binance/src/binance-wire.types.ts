/**
 * Raw Binance wire shapes, exactly as they arrive. Domain code never sees these; the parsers turn them into
 * domain types at the edge.
 */

/** REST `GET /api/v3/aggTrades` element. */
export interface RawRestAggTrade {
  a: number;
  p: string;
  q: string;
  f: number;
  l: number;
  T: number;
  m: boolean;
  M: boolean;
}

/** `<symbol>@aggTrade` payload: the REST fields plus event type, event time and symbol. */
export interface RawAggTrade extends RawRestAggTrade {
  e: 'aggTrade';
  E: number;
  s: string;
}

/** Combined-stream wrapper. */
export interface RawCombinedFrame<T = unknown> {
  stream: string;
  data: T;
}

export interface RawControlResult {
  result: unknown;
  id: number;
}

export interface RawControlError {
  error: { code: number; msg: string };
  id: number | string | null;
}

/**
 * One `symbols` entry of `exchangeInfo`. Only these fields are read; the rest (precisions, `filters`, order types...)
 * is kept as Binance sent it, in its order, for the Binance-compatible API to serve unchanged.
 */
export interface RawExchangeInfoSymbol {
  symbol: string;
  status: string;
  baseAsset: string;
  quoteAsset: string;
  [field: string]: unknown;
}

export interface RawExchangeInfo {
  symbols: RawExchangeInfoSymbol[];
}

export interface RawRestError {
  code: number;
  msg: string;
}
