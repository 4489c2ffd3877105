/**
 * Raw Binance wire shapes, exactly as they arrive. Domain code never sees these; the parsers turn them into
 * domain types at the edge.
 */

/** `<symbol>@aggTrade` payload. */
export interface RawAggTrade {
  e: 'aggTrade';
  E: number;
  s: string;
  a: number;
  p: string;
  q: string;
  f: number;
  l: number;
  T: number;
  m: boolean;
  M: boolean;
}

/** REST `GET /api/v3/aggTrades` element: same fields as the stream, without `e`, `E` and `s`. */
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

export interface RawExchangeInfoSymbol {
  symbol: string;
  status: string;
  baseAsset: string;
  quoteAsset: string;
}

export interface RawExchangeInfo {
  symbols: RawExchangeInfoSymbol[];
}

export interface RawRestError {
  code: number;
  msg: string;
}
