/**
 * One Binance aggregate trade, as the domain sees it. Prices and quantities stay decimal strings end to end so
 * nothing is ever rounded through a float; ids are numbers because Binance's aggregate ids stay far below 2^53.
 */
export interface AggTrade {
  /** Upper-case symbol, e.g. `BTCUSDT`. */
  symbol: string;
  /** Aggregate trade id, sequential per symbol. */
  tradeId: number;
  price: string;
  quantity: string;
  firstTradeId: number;
  lastTradeId: number;
  /** Trade time, epoch milliseconds. */
  tradeTime: number;
  isBuyerMaker: boolean;
}

/** What a reader needs of a price; an AggTrade is one, so the live path can publish a trade without copying it. */
export interface PricePoint {
  symbol: string;
  price: string;
  tradeId: number;
  tradeTime: number;
}

/** The latest known price of a symbol, as kept in the cache. */
export interface LatestPrice {
  symbol: string;
  price: string;
  tradeId: number;
  tradeTime: number;
  /** When this instance wrote the price, epoch milliseconds. */
  updatedAt: number;
}
