/** The answers this page reads, as the README's API table gives them (only the fields used here). */

export interface SymbolAnswer {
  symbol: string;
  price: string | null;
  tradeId: number | null;
  tradeTime: number | null;
  ageMs: number | null;
  streamLive: boolean | null;
  addedAt: string;
}

/** `event: price` of `GET /api/currencies/stream`. */
export interface PricePush {
  symbol: string;
  price: string;
  tradeId: number;
  tradeTime: number;
}

export interface TradeAnswer {
  tradeId: number;
  price: string;
  quantity: string;
  tradeTime: number;
  isBuyerMaker: boolean;
}

export interface GapAnswer {
  fromId: number;
  toId: number | null;
  reason: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string;
}

export interface ListedSymbolAnswer {
  symbol: string;
  status: string;
  baseAsset: string;
  quoteAsset: string;
}

export interface InstanceStatsAnswer {
  tradesPerSecond: number;
  pendingTrades: number;
  symbols: number;
  liveSymbols: number;
  live: boolean;
  historyWritesHealthy: boolean;
  latestPriceWritesHealthy: boolean;
  pushClients: number;
}

export interface ClusterAnswer {
  instances: { instanceId: string; self: boolean; stats: InstanceStatsAnswer | null; symbols: { symbol: string; live: boolean }[] }[];
  unassigned: string[];
}
