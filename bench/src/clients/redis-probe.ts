import { latestPriceKey } from '@binance-rates/cache';
import Redis from 'ioredis';

/** Reads the latest prices the service wrote to Redis (field `t` = trade id), for drain checks. */
export class RedisProbe {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  }

  async connect(): Promise<void> {
    await this.redis.connect();
  }

  /** The stored latest trade id per symbol (0 when there is none). */
  async latestTradeIds(prefix: string, symbols: readonly string[]): Promise<Map<string, number>> {
    const pipeline = this.redis.pipeline();
    for (const symbol of symbols) {
      pipeline.hget(latestPriceKey(prefix, symbol), 't');
    }
    const replies = (await pipeline.exec()) ?? [];
    return new Map(symbols.map((symbol, index) => [symbol, Number(replies[index]?.[1] ?? 0)]));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
