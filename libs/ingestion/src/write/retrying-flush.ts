import { LoopProgress } from '@binance-rates/domain';

/** What a `RetryingFlush` writes: batches taken from a backlog, put back when their write fails. */
export interface FlushTarget<Batch> {
  /** The next batch to write, or null when nothing waits. */
  take(): Batch | null;
  write(batch: Batch): Promise<unknown>;
  stored(batch: Batch): void;
  /** The write failed: the batch goes back to be written first. `firstFailure` is true once per outage. */
  failed(batch: Batch, error: Error, firstFailure: boolean): void;
  /** Writes succeed again after an outage. */
  recovered(): void;
  /** When something still waits after a write: how long to let more gather before writing it; null when nothing waits. */
  nextDelayMs(): number | null;
}

const RETRY_INITIAL_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Writes a backlog to a store one batch at a time: at most one write in flight, a failed batch retried with an
 * exponential delay (100 ms doubling up to 5 s) until the store takes it, and what arrives meanwhile written after.
 * The history lanes (PostgreSQL) and the latest-price flush (Redis) both write through one.
 */
export class RetryingFlush<Batch> {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private retryMs = 0;
  private stopped = false;
  /** For liveness (`progress`): when the write in flight started, when the scheduled one is due. Stamped per write. */
  private startedAt = 0;
  private dueAt = 0;
  healthy = true;
  /** Epoch ms of the first failure of the current outage; null while writes succeed. */
  failingSince: number | null = null;

  constructor(private readonly target: FlushTarget<Batch>) {}

  /** A write is in flight. */
  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Writes now and returns true, unless a write is in flight or a failed one waits for its retry. */
  now(): boolean {
    if (this.inFlight !== null || this.retryMs > 0) {
      return false;
    }
    void this.flush();
    return true;
  }

  /** Writes within `delayMs` at the latest (an earlier write, or one already due, stays as it is). */
  within(delayMs: number): void {
    if (!this.stopped && this.timer === null) {
      this.schedule(delayMs);
    }
  }

  /**
   * Owed since the write in flight started, or since the scheduled one is due; nothing owed when idle or stopped. A
   * failed write ends its step like a stored one: the retry is a new step.
   */
  progress(stepWithinMs: number): LoopProgress {
    const waitingSince = this.inFlight !== null ? this.startedAt : this.timer !== null ? this.dueAt : null;
    return { waitingSince, stepWithinMs };
  }

  /** Writes the next batch now; while one is in flight, returns that one. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inFlight) {
      return this.inFlight;
    }
    const batch = this.target.take();
    if (batch === null) {
      return Promise.resolve();
    }
    this.startedAt = Date.now();
    const inFlight = this.target
      .write(batch)
      .then(() => {
        this.target.stored(batch);
        if (!this.healthy) {
          this.target.recovered();
        }
        this.healthy = true;
        this.failingSince = null;
        this.retryMs = 0;
      })
      .catch((error: Error) => {
        this.target.failed(batch, error, this.healthy);
        this.healthy = false;
        this.failingSince ??= Date.now();
        this.retryMs = Math.min(Math.max(this.retryMs * 2, RETRY_INITIAL_MS), RETRY_MAX_MS);
      })
      .finally(() => {
        this.inFlight = null;
        // The write's outcome sets the next one's time: a timer asked for while it was in flight would otherwise skip
        // the backoff after a failure, or hold back a full backlog after a success.
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        const delayMs = this.target.nextDelayMs();
        if (delayMs !== null && !this.stopped) {
          this.schedule(this.retryMs > 0 ? this.retryMs : delayMs);
        }
      });
    this.inFlight = inFlight;
    return inFlight;
  }

  private schedule(delayMs: number): void {
    this.dueAt = Date.now() + delayMs;
    this.timer = setTimeout(() => void this.flush(), delayMs);
  }

  /** Schedules nothing more (explicit flushes still work). */
  stop(): void {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
