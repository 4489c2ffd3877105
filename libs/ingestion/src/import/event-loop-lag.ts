/** How often the event loop is probed, in milliseconds. */
const PROBE_EVERY_MS = 5;

/**
 * How late the event loop has run what was ready, worst case since the last look: a timer that should fire every
 * PROBE_EVERY_MS notes how much later it did. Live prices travel through this loop, so its delay is what an import's
 * load (its own work, and PostgreSQL's and the decoder's on the same cores) costs their freshness.
 */
export class EventLoopLag {
  private timer: NodeJS.Timeout | null = null;
  private worstMs = 0;

  start(): void {
    if (this.timer !== null) {
      return;
    }
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.worstMs = Math.max(this.worstMs, now - last - PROBE_EVERY_MS);
      last = now;
    }, PROBE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.worstMs = 0;
  }

  /** The longest delay since the last call, in milliseconds (0 when not started); starts the next window. */
  takeWorstMs(): number {
    const worstMs = this.worstMs;
    this.worstMs = 0;
    return worstMs;
  }
}
