import { Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { InputQuarantine } from '@binance-rates/binance';
import { LatestPriceStore, TradeFeedStore } from '@binance-rates/cache';
import { AggTrade, IdRange, LoopProgress, settlesWithin } from '@binance-rates/domain';
import { TradeHistoryWriter } from '@binance-rates/storage';
import { BackfillQueue } from '../gaps/backfill-queue';
import { GapLedger } from '../gaps/gap-ledger.service';
import { HistoryLane } from './history-lane';
import { LatestPriceFlusher } from './latest-price-flusher';
import { LatestPriceView } from './latest-price.view';
import { TradeFeedPublisher } from './trade-feed.publisher';

export interface WritePipelineStats {
  acceptedTrades: number;
  persistedTrades: number;
  pendingTrades: number;
  pendingHighWater: number;
  shedTrades: number;
  /** Trades refused because they could not be stored (malformed text or numbers, a time PostgreSQL cannot read). */
  rejectedTrades: number;
  latestPriceWrites: number;
  historyFailures: number;
  latestFailures: number;
  historyHealthy: boolean;
  latestHealthy: boolean;
}

/** When each write path began to fail or shed (epoch ms), null while it does not: read by the health probes. */
export interface WritePipelineHealth {
  historyFailingSince: number | null;
  latestFailingSince: number | null;
  sheddingSince: number | null;
  /** Symbols whose history waits because a gap found in it could not be recorded yet (fail closed). */
  heldBack: { since: number | null; symbols: number };
  pendingTrades: number;
}

/** Liveness of the write loops: each history lane's and the latest-price flush's write in flight or due. */
export interface WritePipelineProgress {
  historyLanes: LoopProgress[];
  latestPrices: LoopProgress;
}

/**
 * Once the history buffer is full, trades are shed until it has drained below this share of its bound: one shed
 * range per symbol per episode, rather than a range (and a backfill) each time a stored batch frees a little room.
 */
const RESUME_BELOW_SHARE = 0.8;
const SHED_REASON = 'shed while storage was behind';

/**
 * The two write paths of every trade, decoupled: the latest price goes to Redis within a millisecond or two,
 * coalesced to one write per symbol per flush; the history goes to PostgreSQL in batches, through several lanes
 * that each own a share of the symbols and write in parallel. When PostgreSQL is slow or down, history waits in a
 * bounded buffer; what overflows it is shed and queued as a range to backfill over REST once the buffer has drained,
 * instead of being held in memory without limit. History batches wait while the gap ledger records found ranges, and
 * hold back the symbols whose ranges it could not record yet.
 *
 * A trade that cannot be stored (refused by the history batch: text that is not an exact decimal, a number or time PostgreSQL cannot hold) is quarantined: it
 * is counted in the InputQuarantine, never moves a price, holds nothing up, and its id is recorded as a gap that is
 * never filled again (`GapLedger.recordQuarantined`), so the hole it leaves stays visible.
 */
@Injectable()
export class WritePipeline {
  private readonly maxPending: number;
  private readonly resumeBelow: number;
  private shedding = false;
  private sheddingSince: number | null = null;
  private readonly latest: LatestPriceFlusher;
  /** Live trades to the cluster's trade feed (the Binance-protocol streams); absent in specs that do not need it. */
  private readonly feed: TradeFeedPublisher | null;
  private readonly lanes: HistoryLane[];
  private readonly laneOfSymbol = new Map<string, HistoryLane>();
  private historyPending = 0;
  /** Per symbol, the id span of trades shed from the full history buffer; backfilled once storage recovers. */
  private shed = new Map<string, IdRange>();

  private readonly counters = {
    acceptedTrades: 0,
    persistedTrades: 0,
    pendingHighWater: 0,
    shedTrades: 0,
    rejectedTrades: 0,
    historyFailures: 0,
  };

  constructor(
    config: AppConfig,
    latestPrices: LatestPriceStore,
    trades: TradeHistoryWriter,
    private readonly view: LatestPriceView,
    private readonly ledger: GapLedger,
    private readonly backfill: BackfillQueue,
    private readonly quarantine: InputQuarantine = new InputQuarantine(),
    @Optional() tradeFeed?: TradeFeedStore,
  ) {
    this.feed = tradeFeed ? new TradeFeedPublisher(tradeFeed) : null;
    this.maxPending = config.ingest.maxPendingTrades;
    this.resumeBelow = Math.floor(this.maxPending * RESUME_BELOW_SHARE);
    this.latest = new LatestPriceFlusher(latestPrices);
    this.lanes = Array.from(
      { length: config.ingest.historyWriters },
      () =>
        new HistoryLane({
          batchSize: config.ingest.historyBatchSize,
          flushIntervalMs: config.ingest.flushIntervalMs,
          insert: (runs) => trades.store(runs),
          onStored: (stored) => {
            this.counters.persistedTrades += stored;
            this.historyPending -= stored;
          },
          onFailure: () => {
            this.counters.historyFailures += 1;
          },
          gate: () => ledger.recording(),
          heldBack: () => ledger.heldBack(),
        }),
    );
  }

  /** Hot path: called for every live trade, in id order per symbol. */
  accept(trade: AggTrade): void {
    if (this.holdHistory(trade)) {
      this.view.offer(trade);
      this.latest.accept(trade);
      this.feed?.accept(trade);
    }
  }

  /**
   * Backfilled trades, in id order: history first of all; the latest price only moves if they are newer (they rarely
   * are), and a Redis that lost its data takes no price from them before it is seeded again from PostgreSQL. Returns
   * how many of them, from the first, the history took. Once the buffer is full the rest are not taken and not added
   * to the shed ranges either: the fill keeps them as its unfilled part, so it never counts them as stored.
   */
  acceptMany(trades: readonly AggTrade[]): number {
    for (let index = 0; index < trades.length; index += 1) {
      if (this.historyFull()) {
        this.startShedding();
        this.counters.shedTrades += trades.length - index;
        return index;
      }
      const trade = trades[index];
      if (this.holdHistory(trade)) {
        this.view.offer(trade);
        this.latest.acceptBackfilled(trade);
      }
    }
    return trades.length;
  }

  /** Removed symbols: their latest prices still waiting are not written, so their Redis key stays deleted. */
  forget(symbols: readonly string[]): void {
    this.latest.forget(symbols);
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
      latestPriceWrites: this.latest.writes,
      latestFailures: this.latest.failures,
      pendingTrades: this.historyPending,
      historyHealthy: this.lanes.every((lane) => lane.healthy),
      latestHealthy: this.latest.healthy,
    };
  }

  health(): WritePipelineHealth {
    let historyFailingSince: number | null = null;
    for (const lane of this.lanes) {
      const since = lane.failingSince;
      if (since !== null && (historyFailingSince === null || since < historyFailingSince)) historyFailingSince = since;
    }
    // The flag is cleared by the next trade taken; with no trade arriving, a drained buffer no longer sheds.
    const sheddingSince = this.historyFull() ? this.sheddingSince : null;
    return {
      historyFailingSince,
      latestFailingSince: this.latest.failingSince,
      sheddingSince,
      heldBack: this.ledger.heldBackState(),
      pendingTrades: this.historyPending,
    };
  }

  progress(): WritePipelineProgress {
    return { historyLanes: this.lanes.map((lane) => lane.progress()), latestPrices: this.latest.progress() };
  }

  /**
   * Writes everything accepted so far; true when both stores hold it within the timeout. Returns false at the
   * timeout even while a write is still running (a store that hangs must not hang the caller).
   */
  async drain(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const flushed = Promise.all([this.latest.flush(), ...this.lanes.map((lane) => lane.flush())]);
      if (!(await settlesWithin(flushed, deadline - Date.now()))) {
        return false;
      }
      if (this.historyPending === 0 && this.latest.idle && !this.lanes.some((lane) => lane.busy)) {
        return true;
      }
      if (Date.now() >= deadline) {
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Stops the flush timers for good (no retry is scheduled afterwards) and hands what was shed to the backfill queue,
   * which, closed by then, keeps it for the next owner. Call after the last trade was drained.
   */
  stop(): void {
    this.feed?.stop();
    this.latest.stop();
    for (const lane of this.lanes) lane.stop();
    this.queueShedRanges();
  }

  /** Holds the trade for its history lane, or sheds it; false when it cannot be stored at all. */
  private holdHistory(trade: AggTrade): boolean {
    if (this.historyFull()) {
      this.startShedding();
      this.recordShed(trade);
    } else {
      if (this.shedding) {
        // Queued (and so being recorded) before any trade accepted from now on can be stored.
        this.shedding = false;
        this.sheddingSince = null;
        this.queueShedRanges();
      }
      try {
        this.laneFor(trade.symbol).push(trade);
      } catch (error) {
        // The parsers only let through trades that can be stored; this guards the history from anything else.
        this.counters.rejectedTrades += 1;
        this.quarantineUnstorable(trade, error as Error);
        return false;
      }
      this.historyPending += 1;
      if (this.historyPending > this.counters.pendingHighWater) {
        this.counters.pendingHighWater = this.historyPending;
      }
    }
    this.counters.acceptedTrades += 1;
    return true;
  }

  /** Once per episode, not per shed trade. */
  private startShedding(): void {
    if (!this.shedding) {
      this.shedding = true;
      this.sheddingSince = Date.now();
    }
  }

  /**
   * A trade the history batch refused: the sequencer has seen its id, so the hole it leaves is recorded as a quarantined
   * gap (history batches wait for that, and hold the symbol back if it cannot be recorded).
   */
  private quarantineUnstorable(trade: AggTrade, error: Error): void {
    this.quarantine.refuse('not_storable', error.message, JSON.stringify(trade));
    this.ledger.recordQuarantined({ symbol: trade.symbol, tradeId: trade.tradeId, why: error.message }).catch(() => undefined);
  }

  private queueShedRanges(): void {
    const shed = this.shed;
    this.shed = new Map();
    for (const [symbol, range] of shed) {
      this.backfill.push({ kind: 'range', symbol, fromId: range.fromId, toId: range.toId, reason: SHED_REASON });
    }
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

  /** Once full, the buffer takes trades again only after it has drained below `resumeBelow`. */
  private historyFull(): boolean {
    return this.historyPending >= (this.shedding ? this.resumeBelow : this.maxPending);
  }

  private recordShed(trade: AggTrade): void {
    this.counters.shedTrades += 1;
    const range = this.shed.get(trade.symbol);
    if (!range) {
      this.shed.set(trade.symbol, { fromId: trade.tradeId, toId: trade.tradeId });
    } else {
      range.fromId = Math.min(range.fromId, trade.tradeId);
      range.toId = Math.max(range.toId, trade.tradeId);
    }
  }
}
