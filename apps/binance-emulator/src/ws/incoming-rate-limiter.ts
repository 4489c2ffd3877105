const WINDOW_MS = 1000;

/**
 * Counts client frames (text, ping and pong alike) and reports when more than `maxPerSecond` arrive within any
 * 1-second window. Keeps only the last `maxPerSecond` arrival times.
 */
export class IncomingRateLimiter {
  private readonly arrivals: Float64Array;
  private next = 0;
  private count = 0;

  constructor(private readonly maxPerSecond: number) {
    if (!(maxPerSecond >= 1)) {
      throw new RangeError(`maxPerSecond must be >= 1, got ${maxPerSecond}`);
    }
    this.arrivals = new Float64Array(Number.isFinite(maxPerSecond) ? maxPerSecond : 0);
  }

  /** Records one frame at `now`; false when this frame breaks the limit. */
  record(now: number): boolean {
    if (this.arrivals.length === 0) {
      return true;
    }
    if (this.count === this.maxPerSecond && now - this.arrivals[this.next] < WINDOW_MS) {
      return false;
    }
    this.arrivals[this.next] = now;
    this.next = (this.next + 1) % this.maxPerSecond;
    this.count = Math.min(this.count + 1, this.maxPerSecond);
    return true;
  }
}
