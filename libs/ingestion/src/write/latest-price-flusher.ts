import { Logger } from '@nestjs/common';
import { LatestPriceStore } from '@binance-rates/cache';
import { AggTrade, LatestPrice, LoopProgress } from '@binance-rates/domain';
import { RetryingFlush } from './retrying-flush';

/** A price is written this soon after its trade; trades arriving meanwhile coalesce into one write per symbol. */
const FLUSH_DELAY_MS = 1;
/** How long one write may take: Redis commands fail after the client's connect timeout (5 s) and two retries. */
const WRITE_WITHIN_MS = 5_000;

/** Each symbol's newest trade waiting to be written: live ones, and backfilled ones (see LatestPriceStore.setIfNewer). */
interface PendingPrices {
  live: Map<string, AggTrade>;
  backfilled: Map<string, AggTrade>;
}

/**
 * Writes each symbol's newest trade to Redis as its latest price, within a millisecond or two, coalesced to one price
 * per symbol per write. A failed write is put back (unless something newer arrived meanwhile) and retried; the store
 * itself also refuses older ids, so a price never goes back.
 */
export class LatestPriceFlusher {
  private readonly logger = new Logger(LatestPriceFlusher.name);
  private pending: PendingPrices = { live: new Map(), backfilled: new Map() };
  private readonly flusher: RetryingFlush<PendingPrices>;
  writes = 0;
  failures = 0;

  constructor(store: LatestPriceStore) {
    this.flusher = new RetryingFlush({
      take: () => {
        if (this.waiting === 0) {
          return null;
        }
        const batch = this.pending;
        this.pending = { live: new Map(), backfilled: new Map() };
        return batch;
      },
      write: async (batch) => {
        const now = Date.now();
        await store.setIfNewer(toPrices(batch.live, now));
        if (batch.backfilled.size > 0) {
          await store.setIfNewer(toPrices(batch.backfilled, now), 'backfill');
        }
      },
      stored: (batch) => {
        this.writes += batch.live.size + batch.backfilled.size;
      },
      failed: (batch, error, firstFailure) => {
        this.failures += 1;
        if (firstFailure) {
          this.logger.warn(`latest prices not written to Redis, will retry: ${error.message}`);
        }
        for (const trade of batch.live.values()) this.offer(this.pending.live, trade);
        for (const trade of batch.backfilled.values()) this.offer(this.pending.backfilled, trade);
      },
      recovered: () => undefined,
      nextDelayMs: () => (this.waiting === 0 ? null : FLUSH_DELAY_MS),
    });
  }

  get healthy(): boolean {
    return this.flusher.healthy;
  }

  /** Epoch ms since writes fail, null while they succeed. */
  get failingSince(): number | null {
    return this.flusher.failingSince;
  }

  /** For liveness: a write in flight or due, and since when. */
  progress(): LoopProgress {
    return this.flusher.progress(WRITE_WITHIN_MS);
  }

  /** Nothing waits to be written and no write is in flight. */
  get idle(): boolean {
    return this.waiting === 0 && !this.flusher.busy;
  }

  /** Hot path: every accepted live trade passes here. */
  accept(trade: AggTrade): void {
    this.offer(this.pending.live, trade);
    this.flusher.within(FLUSH_DELAY_MS);
  }

  /** A backfilled trade: written like a live one, except that it creates no price in a Redis not yet seeded. */
  acceptBackfilled(trade: AggTrade): void {
    this.offer(this.pending.backfilled, trade);
    this.flusher.within(FLUSH_DELAY_MS);
  }

  /** Removed symbols: their prices still waiting are not written (a write in flight is refused by the store). */
  forget(symbols: readonly string[]): void {
    for (const symbol of symbols) {
      this.pending.live.delete(symbol);
      this.pending.backfilled.delete(symbol);
    }
  }

  flush(): Promise<void> {
    return this.flusher.flush();
  }

  stop(): void {
    this.flusher.stop();
  }

  private get waiting(): number {
    return this.pending.live.size + this.pending.backfilled.size;
  }

  private offer(pending: Map<string, AggTrade>, trade: AggTrade): void {
    const current = pending.get(trade.symbol);
    if (current === undefined || trade.tradeId > current.tradeId) {
      pending.set(trade.symbol, trade);
    }
  }
}

function toPrices(trades: Map<string, AggTrade>, updatedAt: number): LatestPrice[] {
  const prices: LatestPrice[] = [];
  for (const trade of trades.values()) {
    prices.push({ symbol: trade.symbol, price: trade.price, tradeId: trade.tradeId, tradeTime: trade.tradeTime, updatedAt });
  }
  return prices;
}
