import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { LatestPriceStore } from '@binance-rates/cache';
import { AggTrade, IdRange, LatestPrice } from '@binance-rates/domain';
import { TradeRepository } from '@binance-rates/storage';
import { LatestPriceView } from './latest-price.view';

export interface WritePipelineStats {
  acceptedTrades: number;
  persistedTrades: number;
  pendingTrades: number;
  pendingHighWater: number;
  droppedTrades: number;
  latestPriceWrites: number;
  historyFailures: number;
  latestFailures: number;
  historyHealthy: boolean;
  latestHealthy: boolean;
}

const LATEST_FLUSH_DELAY_MS = 1;
const RETRY_INITIAL_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * The two write paths of every trade, decoupled: the latest price goes to Redis within a millisecond or two,
 * coalesced to one write per symbol per flush; the history goes to PostgreSQL in batches. Each path has at most
 * one write in flight. When PostgreSQL is slow or down, history waits in a bounded buffer; what overflows it is
 * reported as a gap to backfill over REST instead of being held in memory without limit.
 */
@Injectable()
export class WritePipeline implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WritePipeline.name);
  private readonly batchSize: number;
  private readonly maxPending: number;
  private readonly historyIntervalMs: number;

  private pendingLatest = new Map<string, AggTrade>();
  private latestTimer: NodeJS.Timeout | null = null;
  private latestInFlight: Promise<void> | null = null;
  private latestRetryMs = RETRY_INITIAL_MS;

  private history: AggTrade[] = [];
  private historyTimer: NodeJS.Timeout | null = null;
  private historyInFlight: Promise<void> | null = null;
  private historyRetryMs = 0;
  /** Per symbol, the id span of trades shed from the full history buffer; backfilled once storage recovers. */
  private shed = new Map<string, IdRange>();

  private readonly counters = {
    acceptedTrades: 0,
    persistedTrades: 0,
    pendingHighWater: 0,
    droppedTrades: 0,
    latestPriceWrites: 0,
    historyFailures: 0,
    latestFailures: 0,
  };
  private historyHealthy = true;
  private latestHealthy = true;

  constructor(
    config: AppConfig,
    private readonly latestPrices: LatestPriceStore,
    private readonly trades: TradeRepository,
    private readonly view: LatestPriceView,
  ) {
    this.batchSize = config.ingest.historyBatchSize;
    this.maxPending = config.ingest.maxPendingTrades;
    this.historyIntervalMs = config.ingest.flushIntervalMs;
  }

  /** Hands over the id ranges shed since the last call, to be recorded as gaps and backfilled. */
  takeShedRanges(): Map<string, IdRange> {
    const shed = this.shed;
    this.shed = new Map();
    return shed;
  }

  /** Hot path: called for every live trade, in id order per symbol. */
  accept(trade: AggTrade): void {
    this.counters.acceptedTrades += 1;
    const pending = this.pendingLatest.get(trade.symbol);
    if (pending === undefined || trade.tradeId > pending.tradeId) {
      this.pendingLatest.set(trade.symbol, trade);
    }
    this.latestTimer ??= setTimeout(() => this.flushLatest(), LATEST_FLUSH_DELAY_MS);
    this.enqueueHistory(trade);
  }

  /** Backfilled trades: history first of all; the latest price only moves if they are newer (they rarely are). */
  acceptMany(trades: readonly AggTrade[]): void {
    for (const trade of trades) {
      this.accept(trade);
    }
  }

  stats(): WritePipelineStats {
    return {
      ...this.counters,
      pendingTrades: this.history.length,
      historyHealthy: this.historyHealthy,
      latestHealthy: this.latestHealthy,
    };
  }

  /** Writes everything accepted so far; resolves when both stores hold it (or rejects if a store is down). */
  async drain(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.flushLatest();
      await this.flushHistory();
      if (this.history.length === 0 && this.pendingLatest.size === 0 && !this.historyInFlight && !this.latestInFlight) {
        return true;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const drained = await this.drain();
    if (!drained) {
      this.logger.error(`shutting down with ${this.history.length} trades not yet stored`);
    }
    for (const timer of [this.latestTimer, this.historyTimer]) {
      if (timer) clearTimeout(timer);
    }
  }

  private enqueueHistory(trade: AggTrade): void {
    if (this.history.length >= this.maxPending) {
      this.recordShed(trade);
      return;
    }
    this.history.push(trade);
    if (this.history.length > this.counters.pendingHighWater) {
      this.counters.pendingHighWater = this.history.length;
    }
    if (this.history.length >= this.batchSize && !this.historyInFlight && this.historyRetryMs === 0) {
      if (this.historyTimer) {
        clearTimeout(this.historyTimer);
        this.historyTimer = null;
      }
      void this.flushHistory();
    } else {
      this.historyTimer ??= setTimeout(() => void this.flushHistory(), this.historyIntervalMs);
    }
  }

  private flushLatest(): Promise<void> {
    this.latestTimer = null;
    if (this.latestInFlight) {
      return this.latestInFlight;
    }
    if (this.pendingLatest.size === 0) {
      return Promise.resolve();
    }
    const batch = this.pendingLatest;
    this.pendingLatest = new Map();
    const now = Date.now();
    const prices: LatestPrice[] = [];
    for (const trade of batch.values()) {
      prices.push({ symbol: trade.symbol, price: trade.price, tradeId: trade.tradeId, tradeTime: trade.tradeTime, updatedAt: now });
    }
    this.view.merge(prices);
    const inFlight = this.latestPrices
      .setIfNewer(prices)
      .then(() => {
        this.counters.latestPriceWrites += prices.length;
        this.latestHealthy = true;
        this.latestRetryMs = RETRY_INITIAL_MS;
      })
      .catch((error: Error) => {
        this.counters.latestFailures += 1;
        if (this.latestHealthy) {
          this.logger.warn(`latest prices not written to Redis, will retry: ${error.message}`);
        }
        this.latestHealthy = false;
        // Put them back unless something newer arrived meanwhile; the store itself also refuses older ids.
        for (const trade of batch.values()) {
          const newer = this.pendingLatest.get(trade.symbol);
          if (newer === undefined || newer.tradeId < trade.tradeId) {
            this.pendingLatest.set(trade.symbol, trade);
          }
        }
        this.latestRetryMs = Math.min(this.latestRetryMs * 2, RETRY_MAX_MS);
      })
      .finally(() => {
        this.latestInFlight = null;
        if (this.pendingLatest.size > 0 && !this.latestTimer) {
          const delay = this.latestHealthy ? LATEST_FLUSH_DELAY_MS : this.latestRetryMs;
          this.latestTimer = setTimeout(() => this.flushLatest(), delay);
        }
      });
    this.latestInFlight = inFlight;
    return inFlight;
  }

  private flushHistory(): Promise<void> {
    if (this.historyTimer) {
      clearTimeout(this.historyTimer);
      this.historyTimer = null;
    }
    if (this.historyInFlight) {
      return this.historyInFlight;
    }
    if (this.history.length === 0) {
      return Promise.resolve();
    }
    const batch = this.history.length <= this.batchSize ? this.history : this.history.slice(0, this.batchSize);
    this.history = batch === this.history ? [] : this.history.slice(batch.length);
    const inFlight = this.trades
      .insertBatch(batch)
      .then(() => {
        this.counters.persistedTrades += batch.length;
        if (!this.historyHealthy) {
          this.logger.log('PostgreSQL writes recovered');
        }
        this.historyHealthy = true;
        this.historyRetryMs = 0;
      })
      .catch((error: Error) => {
        this.counters.historyFailures += 1;
        if (this.historyHealthy) {
          this.logger.warn(`history batch of ${batch.length} not stored, holding it and retrying: ${error.message}`);
        }
        this.historyHealthy = false;
        this.history = batch.concat(this.history);
        this.historyRetryMs = Math.min(Math.max(this.historyRetryMs * 2, RETRY_INITIAL_MS), RETRY_MAX_MS);
        this.shedOverflow();
      })
      .finally(() => {
        this.historyInFlight = null;
        if (this.history.length > 0 && !this.historyTimer) {
          const delay = this.historyRetryMs > 0 ? this.historyRetryMs : this.history.length >= this.batchSize ? 0 : this.historyIntervalMs;
          this.historyTimer = setTimeout(() => void this.flushHistory(), delay);
        }
      });
    this.historyInFlight = inFlight;
    return inFlight;
  }

  /** Keeps the buffer within its bound after a failed batch was put back. */
  private shedOverflow(): void {
    const excess = this.history.length - this.maxPending;
    if (excess <= 0) {
      return;
    }
    for (let index = this.maxPending; index < this.history.length; index += 1) {
      this.recordShed(this.history[index]);
    }
    this.history.length = this.maxPending;
  }

  private recordShed(trade: AggTrade): void {
    this.counters.droppedTrades += 1;
    const range = this.shed.get(trade.symbol);
    if (!range) {
      this.shed.set(trade.symbol, { fromId: trade.tradeId, toId: trade.tradeId });
    } else {
      range.fromId = Math.min(range.fromId, trade.tradeId);
      range.toId = Math.max(range.toId, trade.tradeId);
    }
  }
}
