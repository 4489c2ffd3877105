import { Injectable, Logger } from '@nestjs/common';
import { LatestPriceStore } from '@binance-rates/cache';
import { LatestPrice } from '@binance-rates/domain';
import { TradeRepository } from '@binance-rates/storage';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { LatestPriceView } from './latest-price.view';

/** How often Redis is asked whether it still holds its seed: one EXISTS, so a restart is noticed within a second. */
const CHECK_INTERVAL_MS = 1_000;

/**
 * Puts the latest prices back into a Redis that lost them (compose runs it without persistence): each tracked
 * symbol's newest trade stored in PostgreSQL is written like a live price, then Redis is marked as seeded. Until then
 * backfilled trades create no price there (LatestPriceStore), so an old page cannot pass for the latest price. Every
 * instance checks, and several may seed at once: the writes compare trade ids, so the newest price wins, whether a
 * live one or a seeded one.
 */
@Injectable()
export class LatestPriceSeeder {
  private readonly logger = new Logger(LatestPriceSeeder.name);
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<boolean> | null = null;

  constructor(
    private readonly store: LatestPriceStore,
    private readonly trades: TradeRepository,
    private readonly tracked: TrackedSymbolsService,
    private readonly view: LatestPriceView,
  ) {}

  /** Seeds Redis now if it is empty, then checks again every second. */
  start(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** True when Redis was not seeded and now is; false when it already was. Concurrent calls share one check. */
  seedIfEmpty(): Promise<boolean> {
    this.checking ??= this.seedUnlessSeeded().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async check(): Promise<void> {
    try {
      await this.seedIfEmpty();
    } catch (error) {
      // Redis or PostgreSQL unreachable: the next check tries again.
      this.logger.debug(`latest prices not seeded yet: ${(error as Error).message}`);
    }
  }

  private async seedUnlessSeeded(): Promise<boolean> {
    if (await this.store.isSeeded()) {
      return false;
    }
    const symbols = this.tracked.list();
    const updatedAt = Date.now();
    const prices: LatestPrice[] = [];
    for (const [symbol, stored] of await this.trades.lastStoredPrices(symbols)) {
      prices.push({ symbol, price: stored.price, tradeId: stored.tradeId, tradeTime: stored.tradeTime, updatedAt });
    }
    const written = await this.store.seed(prices);
    // This store's own writes do not come back through the price feed: the view takes them here.
    this.view.merge(prices);
    this.logger.log(`Redis held no latest prices: seeded ${written} of ${symbols.length} tracked symbols from PostgreSQL`);
    return true;
  }
}
