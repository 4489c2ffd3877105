import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { LatestPriceView, TrackedSymbolsService } from '@binance-rates/ingestion';
import { SymbolNotTrackedError } from './serving.errors';
import { PricePushBudget } from './price-push.budget';
import { PriceChanges, PriceSubscription, TrackedSymbols } from './price-subscription';

/** Where one client's pushes go (an HTTP response held open, for instance). */
export interface PricePushSink {
  send(changes: PriceChanges): void;
  /** The service is stopping, or every symbol followed by name is gone: no more pushes. */
  end(reason: string): void;
}

/**
 * Live push of latest prices: every interval, each client gets the symbols it follows whose price moved, newest
 * only. Read from the in-memory price view, which follows every instance's writes, so a client may connect to any
 * instance; the live trade path is not touched, and a round costs one lookup per followed symbol per client.
 */
@Injectable()
export class PricePushService implements OnModuleDestroy {
  private readonly clients = new Map<PricePushSink, PriceSubscription>();
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;
  private readonly budget: PricePushBudget;
  private stopped = false;

  constructor(
    config: AppConfig,
    private readonly tracked: TrackedSymbolsService,
    private readonly view: LatestPriceView,
  ) {
    this.intervalMs = config.ingest.pricePushIntervalMs;
    this.budget = new PricePushBudget({ maxClients: config.ingest.pricePushMaxClients, maxFollows: config.pricePush.maxFollows });
  }

  /**
   * Follows `symbols` (null: every tracked symbol): opens the sink, sends their current prices at once, then what moves.
   * Returns the function that stops following. Throws, before opening, SymbolNotTrackedError for a symbol not tracked,
   * PushClientsFullError when this instance already serves as many clients as it may, and PushFollowsFullError when
   * the symbols followed would take it past its budget per round (see PricePushBudget).
   */
  follow(symbols: readonly string[] | null, open: () => PricePushSink): () => void {
    const untracked = symbols?.find((symbol) => !this.tracked.isActive(symbol));
    if (untracked !== undefined) {
      throw new SymbolNotTrackedError(untracked);
    }
    this.budget.assertRoomFor({ wanted: symbols?.length ?? null, served: this.followed(), trackedCount: this.tracked.list().length });
    const sink = open();
    if (this.stopped) {
      sink.end('the service is stopping');
      return () => undefined;
    }
    const subscription = new PriceSubscription(symbols);
    this.clients.set(sink, subscription);
    this.push(sink, subscription);
    this.timer ??= setInterval(() => this.round(), this.intervalMs);
    return () => this.forget(sink);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Followed symbols per round over every client served (one per symbol named, every tracked one for the rest). */
  get followsPerRound(): number {
    return this.budget.followsPerRound({ served: this.followed(), trackedCount: this.tracked.list().length });
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const sink of [...this.clients.keys()]) {
      this.forget(sink);
      sink.end('the service is stopping');
    }
  }

  private round(): void {
    // The tracked list is built and sorted on each call: once per round, not once per client following every symbol.
    let everySymbol: readonly string[] | null = null;
    const tracked: TrackedSymbols = {
      isActive: (symbol) => this.tracked.isActive(symbol),
      list: () => (everySymbol ??= this.tracked.list()),
    };
    for (const [sink, subscription] of this.clients) {
      this.push(sink, subscription, tracked);
    }
  }

  private push(sink: PricePushSink, subscription: PriceSubscription, tracked: TrackedSymbols = this.tracked): void {
    const changes = subscription.changes(tracked, (symbol) => this.view.get(symbol));
    if (changes.prices.length > 0 || changes.removed.length > 0) {
      sink.send(changes);
    }
    if (subscription.exhausted) {
      this.forget(sink);
      sink.end('none of the symbols followed is tracked any more');
    }
  }

  private *followed(): Iterable<number | null> {
    for (const subscription of this.clients.values()) {
      yield subscription.followedByName;
    }
  }

  private forget(sink: PricePushSink): void {
    this.clients.delete(sink);
    if (this.clients.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
