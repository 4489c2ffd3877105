import pLimit from 'p-limit';

/**
 * Runs at most `concurrency` tasks at once, queueing up to `maxWaiting` more; a task beyond that is refused at once
 * with `busy()`'s error instead of waiting behind a queue it could not get through in reasonable time.
 */
export class ConcurrencyGate {
  private readonly limit: pLimit.Limit;

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly busy: () => Error,
  ) {
    this.limit = pLimit(concurrency);
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.limit.activeCount + this.limit.pendingCount >= this.concurrency + this.maxWaiting) {
      return Promise.reject(this.busy());
    }
    return this.limit(task);
  }
}
