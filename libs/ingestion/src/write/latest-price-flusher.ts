import { Logger } from '@nestjs/common';
import { LatestPriceStore } from '@binance-rates/cache';
import { AggTrade, LatestPrice } from '@binance-rates/domain';
import { RetryingFlush } from './retrying-flush';

/** A price is written this soon after its trade; trades arriving meanwhile coalesce into one write per symbol. */
const FLUSH_DELAY_MS = 1;

/**
 * Writes each symbol's newest trade to Redis as its latest price, within a millisecond or two, coalesced to one price
 * per symbol per write. A failed write is put back (unless something newer arrived meanwhile) and retried; the store
 * itself also refuses older ids, so a price never goes back.
 */
export class LatestPriceFlusher {
  private readonly logger = new Logger(LatestPriceFlusher.name);
  private pending = new Map<string, AggTrade>();
  private readonly flusher: RetryingFlush<Map<string, AggTrade>>;
  writes = 0;
  failures = 0;

  constructor(store: LatestPriceStore) {
    this.flusher = new RetryingFlush({
      take: () => {
        if (this.pending.size === 0) {
          return null;
        }
        const batch = this.pending;
        this.pending = new Map();
        return batch;
      },
      write: (batch) => {
        const now = Date.now();
        const prices: LatestPrice[] = [];
        for (const trade of batch.values()) {
          prices.push({ symbol: trade.symbol, price: trade.price, tradeId: trade.tradeId, tradeTime: trade.tradeTime, updatedAt: now });
        }
        return store.setIfNewer(prices);
      },
      stored: (batch) => {
        this.writes += batch.size;
      },
      failed: (batch, error, firstFailure) => {
        this.failures += 1;
        if (firstFailure) {
          this.logger.warn(`latest prices not written to Redis, will retry: ${error.message}`);
        }
        for (const trade of batch.values()) {
          this.offer(trade);
        }
      },
      recovered: () => undefined,
      nextDelayMs: () => (this.pending.size === 0 ? null : FLUSH_DELAY_MS),
    });
  }

  get healthy(): boolean {
    return this.flusher.healthy;
  }

  /** Nothing waits to be written and no write is in flight. */
  get idle(): boolean {
    return this.pending.size === 0 && !this.flusher.busy;
  }

  /** Hot path: every accepted trade passes here. */
  accept(trade: AggTrade): void {
    this.offer(trade);
    this.flusher.within(FLUSH_DELAY_MS);
  }

  flush(): Promise<void> {
    return this.flusher.flush();
  }

  stop(): void {
    this.flusher.stop();
  }

  private offer(trade: AggTrade): void {
    const pending = this.pending.get(trade.symbol);
    if (pending === undefined || trade.tradeId > pending.tradeId) {
      this.pending.set(trade.symbol, trade);
    }
  }
}
