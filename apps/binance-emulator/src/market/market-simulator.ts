import type { MarketSymbolSpec, SymbolStatus } from './market.types';
import { MS_PER_DAY } from './symbol-listing';
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
  /** Aggregate trades per archived day: live ids continue the archive (see `SymbolMarketParams`). */
  archiveTradesPerDay: number;
  onTrade: TradeListener;
  /** Called after each batch, so the sender can flush corked sockets once per batch. */
  onBatchEnd: () => void;
}

/**
 * Runs the market whether or not anybody listens: a disconnected client really misses trades. Each symbol's trades
 * follow its clock (bursts and pauses averaging its rate); every tick sends those that have come due, stamped with
 * the tick's time, so a trade's time is when it was generated and sent, as the benchmark's freshness assumes.
 */
export class MarketSimulator {
  readonly markets = new Map<string, SymbolMarket>();
  private readonly trading: SymbolMarket[] = [];
  private readonly onTrade: TradeListener;
  private readonly onBatchEnd: () => void;
  private timer: NodeJS.Timeout | undefined;
  /** The UTC day the market started: the archive holds the days before it. */
  readonly startDay: number;

  constructor({ specs, defaultTradesPerSecond, historyLimit, seed, archiveTradesPerDay, onTrade, onBatchEnd }: MarketSimulatorParams) {
    this.startDay = Math.floor(Date.now() / MS_PER_DAY);
    for (const spec of specs) {
      if (this.markets.has(spec.symbol)) {
        throw new RangeError(`duplicate symbol ${spec.symbol}`);
      }
      const market = new SymbolMarket({
        spec,
        seed,
        tradesPerSecond: spec.tradesPerSecond ?? defaultTradesPerSecond,
        historyLimit,
        startDay: this.startDay,
        archiveTradesPerDay,
      });
      this.markets.set(spec.symbol, market);
    }
    this.onTrade = onTrade;
    this.onBatchEnd = onBatchEnd;
    this.refreshTrading();
  }

  start(): void {
    const now = Date.now();
    for (const market of this.markets.values()) {
      market.reschedule(now);
    }
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
      market.reschedule(Date.now());
    }
  }

  setStatus(symbol: string, status: SymbolStatus): void {
    const now = Date.now();
    for (const market of this.select(symbol)) {
      if (status === 'TRADING' && market.status !== 'TRADING') {
        market.reschedule(now);
      }
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
    for (const market of this.trading) {
      if (market.nextDueAt > now) {
        continue;
      }
      market.nextDueAt = Math.max(market.nextDueAt, now - MAX_CATCH_UP_MS);
      while (market.nextDueAt <= now) {
        this.onTrade(market, market.nextTrade(now), now);
        market.nextDueAt += market.upcomingGapMs();
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
