export type SymbolStatus = 'TRADING' | 'HALT' | 'BREAK';

/** How one symbol of the emulated market is listed and priced. */
export interface MarketSymbolSpec {
  /** Upper-case, e.g. `BTCUSDT`. */
  symbol: string;
  /** Only TRADING symbols produce trades (HALT: emergency stop, BREAK: planned downtime; both stay silent). */
  status: SymbolStatus;
  baseAsset: string;
  quoteAsset: string;
  /** Decimal text, at most 8 decimals, e.g. "37000.12". */
  startPrice: string;
  /** Defaults to about seven significant digits of the start price (BTC at 37000 → 0.01). */
  tickSize?: string;
  /** LOT_SIZE step; defaults so that one step is worth roughly 0.1–1 quote unit. */
  stepSize?: string;
  /** First UTC day (`YYYY-MM-DD`) of its trades and archive files (default 2017-08-17); its first trade has id 0. */
  listedSince?: string;
  /** Overrides the emulator-wide default rate for this symbol. */
  tradesPerSecond?: number;
}

/** An aggregate trade as it went out on the wire (the shape tests compare with what they stored). */
export interface AggTradeRecord {
  symbol: string;
  aggTradeId: number;
  price: string;
  quantity: string;
  firstTradeId: number;
  lastTradeId: number;
  /** Epoch milliseconds. */
  tradeTime: number;
  isBuyerMaker: boolean;
}
