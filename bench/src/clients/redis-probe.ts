import Redis from 'ioredis';

/**
 * Reads what the service wrote to Redis, for drain checks, and deletes the run's keys afterwards. The key format
 * (`<prefix>price:<SYMBOL>`, field `t` = trade id) mirrors LatestPriceStore in libs/cache; keep the two in step.
 */
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
      pipeline.hget(`${prefix}price:${symbol}`, 't');
    }
    const replies = (await pipeline.exec()) ?? [];
    return new Map(symbols.map((symbol, index) => [symbol, Number(replies[index]?.[1] ?? 0)]));
  }

  /** Unlinks every key under `prefix`; returns how many. */
  async deletePrefix(prefix: string): Promise<number> {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        deleted += await this.redis.unlink(...keys);
      }
    } while (cursor !== '0');
    return deleted;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
