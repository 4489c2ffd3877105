import { Logger } from '@nestjs/common';
import { AggTrade } from '@binance-rates/domain';
import { SealedTradeRows, TradeCopyBatch } from '@binance-rates/storage';

export interface HistoryLaneOptions {
  batchSize: number;
  flushIntervalMs: number;
  insert: (payload: Buffer, rows: number) => Promise<unknown>;
  onStored: (count: number) => void;
  onFailure: () => void;
  /** When it returns a promise, the next batch is written only after it settles. */
  gate: () => Promise<unknown> | null;
}

const RETRY_INITIAL_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * One writer of history to PostgreSQL: trades are encoded into COPY rows as they arrive (the backlog is bytes, not
 * objects the garbage collector would have to trace and promote), sealed into batches of at most `batchSize` rows
 * (taking a batch is O(1), however long the backlog), with at most one insert in flight. A failed batch goes back
 * to the front and is retried with backoff. Several lanes, each owning a share of the symbols, write in parallel.
 */
export class HistoryLane {
  private readonly logger = new Logger(HistoryLane.name);
  private readonly open = new TradeCopyBatch();
  private readonly sealed: SealedTradeRows[] = [];
  private pendingCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private retryMs = 0;
  private stopped = false;
  /** Trades pushed and trades stored since the lane began; batches are stored in push order. */
  private pushedCount = 0;
  private storedCount = 0;
  private readonly storedWaiters: Array<{ upTo: number; settle: (stored: boolean) => void }> = [];
  healthy = true;

  constructor(private readonly options: HistoryLaneOptions) {}

  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Throws a RangeError, leaving the lane as it was, for a trade that cannot be stored (see TradeCopyBatch). */
  push(trade: AggTrade): void {
    this.open.append(trade);
    this.pendingCount += 1;
    this.pushedCount += 1;
    if (this.open.count >= this.options.batchSize) {
      this.sealOpen();
    }
    if (this.pendingCount >= this.options.batchSize && !this.inFlight && this.retryMs === 0) {
      void this.flush();
    } else if (!this.stopped) {
      this.timer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs);
    }
  }

  /** True once every trade pushed so far is stored; false if the lane stops first. */
  whenStored(): Promise<boolean> {
    if (this.storedCount >= this.pushedCount) {
      return Promise.resolve(true);
    }
    return new Promise((settle) => this.storedWaiters.push({ upTo: this.pushedCount, settle }));
  }

  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inFlight) {
      return this.inFlight;
    }
    if (this.sealed.length === 0) {
      this.sealOpen();
    }
    const batch = this.sealed.shift();
    if (batch === undefined) {
      return Promise.resolve();
    }
    this.pendingCount -= batch.rows;
    const gate = this.options.gate();
    const insert = () => this.options.insert(batch.payload, batch.rows);
    const inFlight = (gate === null ? insert() : gate.then(insert, insert))
      .then(() => {
        this.options.onStored(batch.rows);
        this.storedCount += batch.rows;
        while (this.storedWaiters.length > 0 && this.storedWaiters[0].upTo <= this.storedCount) {
          this.storedWaiters.shift()?.settle(true);
        }
        if (!this.healthy) {
          this.logger.log('PostgreSQL writes recovered');
        }
        this.healthy = true;
        this.retryMs = 0;
      })
      .catch((error: Error) => {
        this.options.onFailure();
        if (this.healthy) {
          this.logger.warn(`history batch of ${batch.rows} not stored, holding it and retrying: ${error.message}`);
        }
        this.healthy = false;
        this.sealed.unshift(batch);
        this.pendingCount += batch.rows;
        this.retryMs = Math.min(Math.max(this.retryMs * 2, RETRY_INITIAL_MS), RETRY_MAX_MS);
      })
      .finally(() => {
        this.inFlight = null;
        if (this.pendingCount > 0 && !this.timer && !this.stopped) {
          const full = this.pendingCount >= this.options.batchSize;
          const delay = this.retryMs > 0 ? this.retryMs : full ? 0 : this.options.flushIntervalMs;
          this.timer = setTimeout(() => void this.flush(), delay);
        }
      });
    this.inFlight = inFlight;
    return inFlight;
  }

  private sealOpen(): void {
    if (this.open.count > 0) {
      this.sealed.push(this.open.seal());
    }
  }

  /** Schedules nothing more (explicit flushes still work); a shutdown calls it once the last trade was drained. */
  stop(): void {
    this.stopped = true;
    for (const waiter of this.storedWaiters.splice(0)) {
      waiter.settle(false);
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
