/**
 * Allows at most `limit` events in any window of `windowMs`. Pure: the caller passes the clock, so the same
 * class paces WebSocket control messages (5 per second) and connection opens (300 per 5 minutes).
 */
export class SlidingWindowLimiter {
  private readonly times: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  private prune(now: number): void {
    while (this.times.length > 0 && now - this.times[0] >= this.windowMs) {
      this.times.shift();
    }
  }

  /** Milliseconds until one more event is allowed; 0 means now. */
  delayUntilAllowed(now: number): number {
    this.prune(now);
    if (this.times.length < this.limit) {
      return 0;
    }
    return this.times[0] + this.windowMs - now;
  }

  tryTake(now: number): boolean {
    if (this.delayUntilAllowed(now) > 0) {
      return false;
    }
    this.times.push(now);
    return true;
  }

  /** Records an event that happened whether or not it was allowed (e.g. a pong the socket library sent). */
  record(now: number): void {
    this.prune(now);
    this.times.push(now);
  }

  countInWindow(now: number): number {
    this.prune(now);
    return this.times.length;
  }
}
