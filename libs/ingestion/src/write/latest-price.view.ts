import { Injectable, Logger } from '@nestjs/common';
import { LatestPriceStore } from '@binance-rates/cache';
import { PricePoint } from '@binance-rates/domain';
import { TrackedSymbolsChange, TrackedSymbolsService } from '../tracking/tracked-symbols.service';

const RESYNC_INTERVAL_MS = 5_000;

/**
 * Every tracked symbol's latest price in memory, so reads need no round trip. It follows Redis, the shared truth:
 * this instance's own writes land here at once, other instances' arrive through the price feed, and a periodic
 * resync from Redis covers anything the feed missed (a reconnect, a restart). Like Redis, it never goes back.
 */
@Injectable()
export class LatestPriceView {
  private readonly logger = new Logger(LatestPriceView.name);
  private readonly prices = new Map<string, PricePoint>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: LatestPriceStore,
    private readonly tracked: TrackedSymbolsService,
  ) {}

  /** Follows the other instances' prices from now on. */
  start(): void {
    this.store.subscribe(
      (prices) => this.merge(prices),
      () => void this.resync(),
    );
    this.timer = setInterval(() => void this.resync(), RESYNC_INTERVAL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A removed symbol's price is forgotten; an added one's is read from Redis (another instance may stream it). */
  applyChange({ added, removed }: TrackedSymbolsChange): void {
    removed.forEach((symbol) => this.prices.delete(symbol));
    if (added.length > 0) {
      void this.resync(added);
    }
  }

  get(symbol: string): PricePoint | null {
    return this.prices.get(symbol) ?? null;
  }

  /** Hot path: every live trade of this instance passes here, so a read sees it before Redis does. */
  offer(price: PricePoint): void {
    const current = this.prices.get(price.symbol);
    if (current === undefined || price.tradeId > current.tradeId) {
      this.prices.set(price.symbol, price);
    }
  }

  merge(prices: Iterable<PricePoint>): void {
    for (const price of prices) {
      this.offer(price);
    }
  }

  forget(symbol: string): void {
    this.prices.delete(symbol);
  }

  async resync(symbols: readonly string[] = this.tracked.list()): Promise<void> {
    try {
      this.merge((await this.store.getMany(symbols)).values());
    } catch (error) {
      this.logger.debug(`price resync skipped: ${(error as Error).message}`);
    }
  }
}
