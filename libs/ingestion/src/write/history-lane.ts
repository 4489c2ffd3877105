import { Logger } from '@nestjs/common';
import { AggTrade, LoopProgress } from '@binance-rates/domain';
import { SealedTradeRows, TradeCopyBatch } from '@binance-rates/storage';
import { RetryingFlush } from './retrying-flush';

export interface HistoryLaneOptions {
  batchSize: number;
  flushIntervalMs: number;
  insert: (payload: Buffer, rows: number) => Promise<unknown>;
  onStored: (count: number) => void;
  onFailure: () => void;
  /** When it returns a promise, the next batch is written only after it settles. */
  gate: () => Promise<unknown> | null;
}

/**
 * How long one batch write may take: a checkout waits at most 5 s for a connection (DatabaseClient), and a batch's
 * COPY itself takes well under a second.
 */
const WRITE_WITHIN_MS = 5_000;

/**
 * One writer of history to PostgreSQL: trades are encoded into COPY rows as they arrive (the backlog is bytes, not
 * objects the garbage collector would have to trace and promote), sealed into batches of at most `batchSize` rows
 * (taking a batch is O(1), however long the backlog), written through a retrying flush. Several lanes, each owning
 * a share of the symbols, write in parallel.
 */
export class HistoryLane {
  private readonly logger = new Logger(HistoryLane.name);
  private readonly open = new TradeCopyBatch();
  private readonly sealed: SealedTradeRows[] = [];
  private pendingCount = 0;
  /** Trades pushed and trades stored since the lane began; batches are stored in push order. */
  private pushedCount = 0;
  private storedCount = 0;
  private readonly storedWaiters: Array<{ upTo: number; settle: (stored: boolean) => void }> = [];
  private readonly flusher: RetryingFlush<SealedTradeRows>;
  private stopped = false;

  constructor(private readonly options: HistoryLaneOptions) {
    this.flusher = new RetryingFlush({
      take: () => this.take(),
      write: (batch) => {
        const gate = options.gate();
        const insert = () => options.insert(batch.payload, batch.rows);
        return gate === null ? insert() : gate.then(insert, insert);
      },
      stored: (batch) => this.stored(batch),
      failed: (batch, error, firstFailure) => {
        options.onFailure();
        if (firstFailure) {
          this.logger.warn(`history batch of ${batch.rows} not stored, holding it and retrying: ${error.message}`);
        }
        this.sealed.unshift(batch);
        this.pendingCount += batch.rows;
      },
      recovered: () => this.logger.log('PostgreSQL writes recovered'),
      nextDelayMs: () => (this.pendingCount === 0 ? null : this.pendingCount >= options.batchSize ? 0 : options.flushIntervalMs),
    });
  }

  get busy(): boolean {
    return this.flusher.busy;
  }

  get healthy(): boolean {
    return this.flusher.healthy;
  }

  /** Epoch ms since writes fail, null while they succeed. */
  get failingSince(): number | null {
    return this.flusher.failingSince;
  }

  /** For liveness: a write in flight or due, and since when. */
  progress(): LoopProgress {
    return this.flusher.progress(WRITE_WITHIN_MS);
  }

  /** Throws a RangeError, leaving the lane as it was, for a trade that cannot be stored (see TradeCopyBatch). */
  push(trade: AggTrade): void {
    this.open.append(trade);
    this.pendingCount += 1;
    this.pushedCount += 1;
    if (this.open.count >= this.options.batchSize) {
      this.sealOpen();
    }
    if (this.pendingCount < this.options.batchSize || !this.flusher.now()) {
      this.flusher.within(this.options.flushIntervalMs);
    }
  }

  /** True once every trade pushed so far is stored; false if the lane stops first (or has stopped). */
  whenStored(): Promise<boolean> {
    if (this.storedCount >= this.pushedCount) {
      return Promise.resolve(true);
    }
    if (this.stopped) {
      return Promise.resolve(false);
    }
    return new Promise((settle) => this.storedWaiters.push({ upTo: this.pushedCount, settle }));
  }

  flush(): Promise<void> {
    return this.flusher.flush();
  }

  /** Schedules nothing more (explicit flushes still work); a shutdown calls it once the last trade was drained. */
  stop(): void {
    this.stopped = true;
    this.flusher.stop();
    for (const waiter of this.storedWaiters.splice(0)) {
      waiter.settle(false);
    }
  }

  private take(): SealedTradeRows | null {
    if (this.sealed.length === 0) {
      this.sealOpen();
    }
    const batch = this.sealed.shift();
    if (batch === undefined) {
      return null;
    }
    this.pendingCount -= batch.rows;
    return batch;
  }

  private stored(batch: SealedTradeRows): void {
    this.options.onStored(batch.rows);
    this.storedCount += batch.rows;
    while (this.storedWaiters.length > 0 && this.storedWaiters[0].upTo <= this.storedCount) {
      this.storedWaiters.shift()?.settle(true);
    }
  }

  private sealOpen(): void {
    if (this.open.count > 0) {
      this.sealed.push(this.open.seal());
    }
  }
}
