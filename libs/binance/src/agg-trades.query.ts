/** What `GET /api/v3/aggTrades` is asked for: from an id, or within a time window; the answer must lie inside it. */
export interface AggTradesQuery {
  symbol: string;
  fromId?: number;
  startTime?: number;
  endTime?: number;
  /** Default `AGG_TRADES_PAGE_LIMIT`, also the most Binance returns. */
  limit?: number;
}
