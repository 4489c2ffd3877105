import { Injectable, Logger } from '@nestjs/common';
import { BinanceRestClient, BinanceRestError } from '@binance-rates/binance';
import { AggTrade, LoopProgress } from '@binance-rates/domain';

/** Attempts per page before the range is given up for now; a 429 waits its Retry-After inside the REST client. */
const PAGE_ATTEMPTS = 4;
const PAGE_RETRY_BASE_MS = 500;
/** The longest the REST client holds a request back for the weight budget: until the next minute. */
const WEIGHT_WAIT_MAX_MS = 60_000;

export type AggTradesPageQuery = Parameters<BinanceRestClient['aggTrades']>[0];

/**
 * Pages of REST `aggTrades` for the backfill. A page is retried in place when Binance only asks us to slow down (429:
 * the REST client waits Retry-After before the next request) or fails transiently (5xx, network); a ban (418) or a
 * client error is not retried here. After a page failed every attempt, the next pages fail fast (except on 429)
 * until a request succeeds, so a REST outage costs one round of retries, not one per queued fill.
 */
@Injectable()
export class AggTradesPager {
  private readonly logger = new Logger(AggTradesPager.name);
  private failing = false;
  /** When the page being fetched was asked for (for liveness), null while none is; one page at a time. */
  private pageStartedAt: number | null = null;
  /** A page's worst case before it fails: every attempt timing out, the retry delays, a full wait for the weight budget. */
  private readonly pageWithinMs: number;

  constructor(private readonly rest: BinanceRestClient) {
    let retryDelaysMs = 0;
    for (let attempt = 1; attempt < PAGE_ATTEMPTS; attempt += 1) retryDelaysMs += PAGE_RETRY_BASE_MS * 2 ** (attempt - 1);
    this.pageWithinMs = PAGE_ATTEMPTS * rest.requestDeadlineMs + retryDelaysMs + WEIGHT_WAIT_MAX_MS;
  }

  /**
   * For liveness: the page in flight is owed from when it was asked for, or from the end of a REST pause (a ban or a
   * 429's Retry-After, waited out inside the client) that ends later; nothing while no page is in flight.
   */
  progress(): LoopProgress {
    const waitingSince = this.pageStartedAt === null ? null : Math.max(this.pageStartedAt, this.rest.pauseEndsAt());
    return { waitingSince, stepWithinMs: this.pageWithinMs };
  }

  /** `stopping` is asked before each retry: a stopping instance does not wait out a retry delay. */
  async page(query: AggTradesPageQuery, stopping: () => boolean): Promise<AggTrade[]> {
    this.pageStartedAt = Date.now();
    try {
      return await this.pageWithRetries(query, stopping);
    } finally {
      this.pageStartedAt = null;
    }
  }

  private async pageWithRetries(query: AggTradesPageQuery, stopping: () => boolean): Promise<AggTrade[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const page = await this.rest.aggTrades(query);
        this.failing = false;
        return page;
      } catch (error) {
        const status = error instanceof BinanceRestError ? error.status : -1;
        const transient = status === 429 || status === 0 || status >= 500;
        if (!transient || stopping() || attempt >= PAGE_ATTEMPTS || (this.failing && status !== 429)) {
          this.failing ||= transient;
          throw error;
        }
        const delayMs = status === 429 ? 0 : PAGE_RETRY_BASE_MS * 2 ** (attempt - 1);
        this.logger.warn(`aggTrades for ${query.symbol} failed (attempt ${attempt}), retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** How long REST is banned for (a 418's Retry-After), 0 when it is not. */
  pausedForMs(): number {
    return this.rest.pausedForMs();
  }

  /** The first trade at or after `startTime`, if any. */
  async firstFrom(symbol: string, startTime: number): Promise<AggTrade | undefined> {
    const [first] = await this.rest.aggTrades({ symbol, startTime, limit: 1 });
    return first;
  }
}
