/** Addresses remembered at most; the map is cleared at each minute anyway, this only bounds a flood of new ones. */
const MAX_CLIENTS = 100_000;

export interface WeightDecision {
  /** Weight this client used in the current minute, this request included when allowed. */
  usedWeight: number;
  /** Seconds until the minute ends, when this request is over the limit; 0 when it is allowed. */
  retryAfterSec: number;
}

/**
 * Request weight per client (remote address) per clock minute, as Binance counts `REQUEST_WEIGHT` ("1 MINUTE"
 * windows, reported in `X-MBX-USED-WEIGHT-1M`). A request that would pass the limit is refused and not counted.
 */
export class RequestWeightLimiter {
  private minute = -1;
  private readonly used = new Map<string, number>();

  constructor(readonly limit: number) {}

  consume(client: string, weight: number, now: number): WeightDecision {
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute || this.used.size >= MAX_CLIENTS) {
      this.minute = minute;
      this.used.clear();
    }
    const used = this.used.get(client) ?? 0;
    if (used + weight > this.limit) {
      return { usedWeight: used, retryAfterSec: Math.max(1, Math.ceil((60_000 - (now % 60_000)) / 1000)) };
    }
    this.used.set(client, used + weight);
    return { usedWeight: used + weight, retryAfterSec: 0 };
  }
}
