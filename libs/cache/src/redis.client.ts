import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import Redis from 'ioredis';

/**
 * Owns the one ioredis connection of this process. Commands issued while Redis is down are queued up to a bound
 * and fail fast beyond it, so a Redis outage slows nothing else down.
 */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisClient.name);
  readonly redis: Redis;
  readonly keyPrefix: string;

  constructor(config: AppConfig) {
    this.keyPrefix = config.redis.keyPrefix;
    this.redis = new Redis(config.redis.url, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      connectTimeout: 5_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
  }

  /** Creates another connection to the same server, e.g. for pub/sub, which blocks a connection. */
  duplicate(): Redis {
    const copy = this.redis.duplicate();
    copy.on('error', (error: Error) => this.logger.warn(`Redis (subscriber): ${error.message}`));
    return copy;
  }

  async isHealthy(): Promise<boolean> {
    if (this.redis.status !== 'ready') {
      return false;
    }
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Keys per script call over many keys: bounds the time one call blocks Redis. */
const MAX_KEYS_PER_SCRIPT_CALL = 500;

/** `items` in slices of at most MAX_KEYS_PER_SCRIPT_CALL, one per script call. */
export function scriptCallChunks<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += MAX_KEYS_PER_SCRIPT_CALL) {
    chunks.push(items.slice(start, start + MAX_KEYS_PER_SCRIPT_CALL));
  }
  return chunks;
}
