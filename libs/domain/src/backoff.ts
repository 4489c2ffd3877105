export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A connection that stayed healthy this long starts over from `initialMs` on its next failure. */
  resetAfterMs: number;
}

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a random time in
 * [initialMs * 2^(n-1) / 2, initialMs * 2^(n-1)], capped at maxMs. Half the delay stays deterministic so that a
 * crowd of reconnecting clients spreads out without any of them retrying instantly.
 */
export class Backoff {
  private failures = 0;
  private healthySince: number | null = null;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** Call when the link became healthy; the counter resets only once it has stayed healthy long enough. */
  markHealthy(now: number): void {
    this.healthySince ??= now;
  }

  /** Returns how long to wait before the next attempt. */
  nextDelay(now: number): number {
    if (this.healthySince !== null && now - this.healthySince >= this.policy.resetAfterMs) {
      this.failures = 0;
    }
    this.healthySince = null;
    this.failures += 1;
    const ceiling = Math.min(this.policy.maxMs, this.policy.initialMs * 2 ** (this.failures - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
