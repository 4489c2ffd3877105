import { Logger } from '@nestjs/common';
import { AggTrade } from '@binance-rates/domain';

export interface HistoryLaneOptions {
  batchSize: number;
  flushIntervalMs: number;
  insert: (batch: readonly AggTrade[]) => Promise<unknown>;
  onStored: (count: number) => void;
  onFailure: (error: Error, batchSize: number) => void;
}

const RETRY_INITIAL_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * One writer of history to PostgreSQL: a queue of fixed-size chunks (taking a batch is O(1), however long the
 * backlog) with at most one insert in flight. A failed batch goes back to the front and is retried with backoff.
 * Several lanes, each owning a share of the symbols, write in parallel.
 */
export class HistoryLane {
  private readonly logger = new Logger(HistoryLane.name);
  private readonly chunks: AggTrade[][] = [];
  private pendingCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private retryMs = 0;
  healthy = true;

  constructor(private readonly options: HistoryLaneOptions) {}

  get pending(): number {
    return this.pendingCount;
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  push(trade: AggTrade): void {
    const tail = this.chunks[this.chunks.length - 1];
    if (tail === undefined || tail.length >= this.options.batchSize) {
      this.chunks.push([trade]);
    } else {
      tail.push(trade);
    }
    this.pendingCount += 1;
    if (this.pendingCount >= this.options.batchSize && !this.inFlight && this.retryMs === 0) {
      void this.flush();
    } else {
      this.timer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs);
    }
  }

  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inFlight) {
      return this.inFlight;
    }
    const batch = this.chunks.shift();
    if (batch === undefined) {
      return Promise.resolve();
    }
    this.pendingCount -= batch.length;
    const inFlight = this.options
      .insert(batch)
      .then(() => {
        this.options.onStored(batch.length);
        this.healthy = true;
        this.retryMs = 0;
      })
      .catch((error: Error) => {
        this.options.onFailure(error, batch.length);
        if (this.healthy) {
          this.logger.warn(`history batch of ${batch.length} not stored, holding it and retrying: ${error.message}`);
        }
        this.healthy = false;
        this.chunks.unshift(batch);
        this.pendingCount += batch.length;
        this.retryMs = Math.min(Math.max(this.retryMs * 2, RETRY_INITIAL_MS), RETRY_MAX_MS);
      })
      .finally(() => {
        this.inFlight = null;
        if (this.pendingCount > 0 && !this.timer) {
          const full = this.pendingCount >= this.options.batchSize;
          const delay = this.retryMs > 0 ? this.retryMs : full ? 0 : this.options.flushIntervalMs;
          this.timer = setTimeout(() => void this.flush(), delay);
        }
      });
    this.inFlight = inFlight;
    return inFlight;
  }

  stop(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
