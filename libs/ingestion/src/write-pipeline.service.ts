import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { LatestPriceStore } from '@binance-rates/cache';
import { AggTrade, IdRange, LatestPrice, settlesWithin } from '@binance-rates/domain';
import { TradeCopyWriter } from '@binance-rates/storage';
import { HistoryLane } from './history-lane';
import { LatestPriceView } from './latest-price.view';

export interface WritePipelineStats {
  acceptedTrades: number;
  persistedTrades: number;
  pendingTrades: number;
  pendingHighWater: number;
  droppedTrades: number;
  /** Trades refused because they could not be stored (malformed text or numbers). */
  rejectedTrades: number;
  latestPriceWrites: number;
  historyFailures: number;
  latestFailures: number;
  historyHealthy: boolean;
  latestHealthy: boolean;
}

const LATEST_FLUSH_DELAY_MS = 1;
/**
 * Once the history buffer is full, trades are shed until it has drained below this share of its bound: one shed
 * range per coin per episode, rather than a range (and a backfill) each time a stored batch frees a little room.
 */
const RESUME_BELOW_SHARE = 0.8;
const RETRY_INITIAL_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * The two write paths of every trade, decoupled: the latest price goes to Redis within a millisecond or two,
 * coalesced to one write per symbol per flush; the history goes to PostgreSQL in batches, through several lanes
 * that each own a share of the symbols and write in parallel. When PostgreSQL is slow or down, history waits in a
 * bounded buffer; what overflows it is reported as a gap to backfill over REST instead of being held in memory
 * without limit.
 */
@Injectable()
export class WritePipeline {
  private readonly logger = new Logger(WritePipeline.name);
  private readonly maxPending: number;
  private readonly resumeBelow: number;
  private shedding = false;

  private pendingLatest = new Map<string, AggTrade>();
  private latestTimer: NodeJS.Timeout | null = null;
  private latestInFlight: Promise<void> | null = null;
  private latestRetryMs = RETRY_INITIAL_MS;
  private stopped = false;

  private readonly lanes: HistoryLane[];
  private storeGate: () => Promise<unknown> | null = () => null;
  private shedListener: ((ranges: Map<string, IdRange>) => void) | null = null;
  private readonly laneOfSymbol = new Map<string, HistoryLane>();
  private historyPending = 0;
  /** Per symbol, the id span of trades shed from the full history buffer; backfilled once storage recovers. */
  private shed = new Map<string, IdRange>();

  private readonly counters = {
    acceptedTrades: 0,
    persistedTrades: 0,
    pendingHighWater: 0,
    droppedTrades: 0,
    rejectedTrades: 0,
    latestPriceWrites: 0,
    historyFailures: 0,
    latestFailures: 0,
  };
  private latestHealthy = true;

  constructor(
    config: AppConfig,
    private readonly latestPrices: LatestPriceStore,
    trades: TradeCopyWriter,
    private readonly view: LatestPriceView,
  ) {
    this.maxPending = config.ingest.maxPendingTrades;
    this.resumeBelow = Math.floor(this.maxPending * RESUME_BELOW_SHARE);
    this.lanes = Array.from(
      { length: config.ingest.historyWriters },
      () =>
        new HistoryLane({
          batchSize: config.ingest.historyBatchSize,
          flushIntervalMs: config.ingest.flushIntervalMs,
          insert: (payload, rows) => trades.insertCopyRows(payload, rows),
          onStored: (count) => {
            this.counters.persistedTrades += count;
            this.historyPending -= count;
          },
          onFailure: () => {
            this.counters.historyFailures += 1;
          },
          gate: () => this.storeGate(),
        }),
    );
  }

  /**
   * History batches wait for the promise `gate` returns (when it returns one) before they are written. The backfill
   * uses it so that a range found missing is recorded before the trades above it are stored: a crash in between would
   * otherwise leave the hole below the newest stored trade, where a next owner never looks.
   */
  holdHistoryWhile(gate: () => Promise<unknown> | null): void {
    this.storeGate = gate;
  }

  /**
   * `listener` gets the id ranges shed so far as soon as history is accepted again (the buffer drained below 80% of its
   * bound), before any trade accepted from then on can be stored: with `holdHistoryWhile`, a range is recorded before
   * the trades above it are stored.
   */
  onShedRanges(listener: (ranges: Map<string, IdRange>) => void): void {
    this.shedListener = listener;
  }

  /** Hands over the id ranges shed since the last call, to be recorded as gaps and backfilled. */
  takeShedRanges(): Map<string, IdRange> {
    const shed = this.shed;
    this.shed = new Map();
    return shed;
  }

  /** Hot path: called for every live trade, in id order per symbol. */
  accept(trade: AggTrade): void {
    if (this.shedding ? this.historyPending >= this.resumeBelow : this.historyPending >= this.maxPending) {
      this.shedding = true;
      this.recordShed(trade);
    } else {
      if (this.shedding) {
        this.shedding = false;
        if (this.shed.size > 0 && this.shedListener !== null) {
          this.shedListener(this.takeShedRanges());
        }
      }
      try {
        this.laneFor(trade.symbol).push(trade);
      } catch (error) {
        // The parsers only let through trades that can be stored; this guards the history from anything else.
        this.counters.rejectedTrades += 1;
        this.logger.error(`trade not accepted: ${(error as Error).message}`);
        return;
      }
      this.historyPending += 1;
      if (this.historyPending > this.counters.pendingHighWater) {
        this.counters.pendingHighWater = this.historyPending;
      }
    }
    this.counters.acceptedTrades += 1;
    this.view.offer(trade);
    const pending = this.pendingLatest.get(trade.symbol);
    if (pending === undefined || trade.tradeId > pending.tradeId) {
      this.pendingLatest.set(trade.symbol, trade);
    }
    if (this.latestTimer === null && !this.stopped) {
      this.latestTimer = setTimeout(() => this.flushLatest(), LATEST_FLUSH_DELAY_MS);
    }
  }

  /** Backfilled trades: history first of all; the latest price only moves if they are newer (they rarely are). */
  acceptMany(trades: readonly AggTrade[]): void {
    for (const trade of trades) {
      this.accept(trade);
    }
  }

  /**
   * True once every trade of `symbol` accepted so far is in PostgreSQL (its lane writes in order); false if the
   * pipeline stops first. A backfill resolves its gap only then, so a crash cannot leave a gap resolved but unstored.
   */
  whenStored(symbol: string): Promise<boolean> {
    return this.laneFor(symbol).whenStored();
  }

  stats(): WritePipelineStats {
    return {
      ...this.counters,
      pendingTrades: this.historyPending,
      historyHealthy: this.lanes.every((lane) => lane.healthy),
      latestHealthy: this.latestHealthy,
    };
  }

  /**
   * Writes everything accepted so far; true when both stores hold it within the timeout. Returns false at the
   * timeout even while a write is still running (a store that hangs must not hang the caller).
   */
  async drain(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const flushed = Promise.all([this.flushLatest(), ...this.lanes.map((lane) => lane.flush())]);
      if (!(await settlesWithin(flushed, deadline - Date.now()))) {
        return false;
      }
      if (this.historyPending === 0 && this.pendingLatest.size === 0 && !this.latestInFlight && !this.lanes.some((lane) => lane.busy)) {
        return true;
      }
      if (Date.now() >= deadline) {
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the flush timers for good (no retry is scheduled afterwards); call after the last trade was drained. */
  stop(): void {
    this.stopped = true;
    if (this.latestTimer) clearTimeout(this.latestTimer);
    this.latestTimer = null;
    for (const lane of this.lanes) lane.stop();
  }

  private laneFor(symbol: string): HistoryLane {
    let lane = this.laneOfSymbol.get(symbol);
    if (lane === undefined) {
      let hash = 0;
      for (let index = 0; index < symbol.length; index += 1) hash = (hash * 31 + symbol.charCodeAt(index)) >>> 0;
      lane = this.lanes[hash % this.lanes.length];
      this.laneOfSymbol.set(symbol, lane);
    }
    return lane;
  }

  private flushLatest(): Promise<void> {
    if (this.latestTimer) clearTimeout(this.latestTimer);
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
        if (this.pendingLatest.size > 0 && !this.latestTimer && !this.stopped) {
          const delay = this.latestHealthy ? LATEST_FLUSH_DELAY_MS : this.latestRetryMs;
          this.latestTimer = setTimeout(() => this.flushLatest(), delay);
        }
      });
    this.latestInFlight = inFlight;
    return inFlight;
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
