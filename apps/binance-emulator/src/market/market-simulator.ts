import type { MarketSymbolSpec, SymbolStatus } from './market.types';
import { SymbolMarket } from './symbol-market';
import type { StoredAggTrade } from './trade-history';

/** Generation runs in small batches: short enough to look continuous, long enough to keep timer overhead low. */
const TICK_MS = 10;
/** After an event-loop stall the market catches up, but never by more than this (avoids a huge burst). */
const MAX_CATCH_UP_MS = 2_000;

export type TradeListener = (market: SymbolMarket, trade: StoredAggTrade, eventTime: number) => void;

export interface MarketSimulatorParams {
  specs: MarketSymbolSpec[];
  defaultTradesPerSecond: number;
  historyLimit: number;
  seed: number;
  onTrade: TradeListener;
  /** Called after each batch, so the sender can flush corked sockets once per batch. */
  onBatchEnd: () => void;
}

/** Runs the market whether or not anybody listens: a disconnected client really misses trades. */
export class MarketSimulator {
  readonly markets = new Map<string, SymbolMarket>();
  private readonly trading: SymbolMarket[] = [];
  private readonly onTrade: TradeListener;
  private readonly onBatchEnd: () => void;
  private timer: NodeJS.Timeout | undefined;
  private lastTickAt = 0;

  constructor({ specs, defaultTradesPerSecond, historyLimit, seed, onTrade, onBatchEnd }: MarketSimulatorParams) {
    for (const spec of specs) {
      if (this.markets.has(spec.symbol)) {
        throw new RangeError(`duplicate symbol ${spec.symbol}`);
      }
      const market = new SymbolMarket({
        spec,
        seed,
        tradesPerSecond: spec.tradesPerSecond ?? defaultTradesPerSecond,
        historyLimit,
      });
      this.markets.set(spec.symbol, market);
    }
    this.onTrade = onTrade;
    this.onBatchEnd = onBatchEnd;
    this.refreshTrading();
  }

  start(): void {
    this.lastTickAt = Date.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** `'*'` changes every symbol; the rate only matters while a symbol is TRADING. */
  setTradeRate(symbol: string, perSecond: number): void {
    if (!Number.isFinite(perSecond) || perSecond < 0) {
      throw new RangeError(`trades per second must be a non-negative number, got ${perSecond}`);
    }
    for (const market of this.select(symbol)) {
      market.tradesPerSecond = perSecond;
      market.pendingTrades = 0;
    }
  }

  setStatus(symbol: string, status: SymbolStatus): void {
    for (const market of this.select(symbol)) {
      market.status = status;
    }
    this.refreshTrading();
  }

  /** Produces `count` trades right now, regardless of status and rate (for deterministic tests). */
  emitTrades(symbol: string, count: number): StoredAggTrade[] {
    const market = this.require(symbol);
    const now = Date.now();
    const trades: StoredAggTrade[] = [];
    for (let i = 0; i < count; i++) {
      const trade = market.nextTrade(now);
      trades.push(trade);
      this.onTrade(market, trade, now);
    }
    this.onBatchEnd();
    return trades;
  }

  require(symbol: string): SymbolMarket {
    const market = this.markets.get(symbol);
    if (!market) {
      throw new RangeError(`unknown symbol ${symbol}`);
    }
    return market;
  }

  private tick(): void {
    const now = Date.now();
    const elapsedMs = Math.min(now - this.lastTickAt, MAX_CATCH_UP_MS);
    this.lastTickAt = now;
    if (elapsedMs <= 0) {
      return;
    }
    for (const market of this.trading) {
      market.pendingTrades += (market.tradesPerSecond * elapsedMs) / 1000;
      while (market.pendingTrades >= 1) {
        market.pendingTrades -= 1;
        this.onTrade(market, market.nextTrade(now), now);
      }
    }
    this.onBatchEnd();
  }

  private select(symbol: string): SymbolMarket[] {
    return symbol === '*' ? [...this.markets.values()] : [this.require(symbol)];
  }

  private refreshTrading(): void {
    this.trading.length = 0;
    for (const market of this.markets.values()) {
      if (market.status === 'TRADING') {
        this.trading.push(market);
      }
    }
  }
}
