export interface ClientRateLimits {
  /** Requests per second a client earns back. */
  perSecond: number;
  /** Requests a client may make at once after being idle: the bucket's size. */
  burst: number;
}

/** One client's bucket; mutated in place so an allowed request allocates nothing. */
interface Bucket {
  tokens: number;
  refilledAt: number;
}

/** How often buckets that have filled up again are dropped, so memory follows the clients active lately. */
const SWEEP_INTERVAL_MS = 10_000;

/**
 * A token bucket per client: a new client may make `burst` requests at once, then `perSecond`. Pure: the caller passes
 * the client's key and a monotonic clock. A refused request takes nothing, so a client that keeps asking gets
 * through at the rate and no faster, and is never locked out for longer.
 */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly tokensPerMs: number;
  private readonly burst: number;
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor({ perSecond, burst }: ClientRateLimits) {
    this.tokensPerMs = perSecond / 1000;
    this.burst = burst;
  }

  /** Takes one request for `client` at `nowMs`: 0 when it may go ahead, otherwise the whole seconds until one may (≥ 1). */
  take(client: string, nowMs: number): number {
    if (nowMs - this.sweptAt >= SWEEP_INTERVAL_MS) {
      this.sweep(nowMs);
    }
    let bucket = this.buckets.get(client);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, refilledAt: nowMs };
      this.buckets.set(client, bucket);
    } else if (nowMs > bucket.refilledAt) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (nowMs - bucket.refilledAt) * this.tokensPerMs);
      bucket.refilledAt = nowMs;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.tokensPerMs / 1000));
  }

  /** Clients with a bucket held now. */
  get clientCount(): number {
    return this.buckets.size;
  }

  /** A bucket that would be full by now is the same as none. */
  private sweep(nowMs: number): void {
    this.sweptAt = nowMs;
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + (nowMs - bucket.refilledAt) * this.tokensPerMs >= this.burst) {
        this.buckets.delete(client);
      }
    }
  }
}
