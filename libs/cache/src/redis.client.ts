import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import Redis from 'ioredis';

/**
 * Owns the one ioredis connection of this process. Commands issued while Redis is down are queued up to a bound
 * and fail fast beyond it, so a Redis outage slows nothing else down. A command unanswered after
 * `REDIS_COMMAND_TIMEOUT_MS` fails, and a connection that goes silent without a reset (a NAT or firewall dropping its
 * state) is found by a ping every `REDIS_COMMAND_TIMEOUT_MS` and replaced: ioredis itself would wait on it for good.
 */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisClient.name);
  readonly redis: Redis;
  readonly keyPrefix: string;
  private readonly livenessTimers: NodeJS.Timeout[] = [];

  constructor(config: AppConfig) {
    this.keyPrefix = config.redis.keyPrefix;
    this.redis = new Redis(config.redis.url, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      connectTimeout: 5_000,
      commandTimeout: config.redis.commandTimeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.watchLiveness(this.redis, 'Redis', config.redis.commandTimeoutMs);
  }

  /** Creates another connection to the same server, e.g. for pub/sub, which blocks a connection. */
  duplicate(): Redis {
    const copy = this.redis.duplicate();
    copy.on('error', (error: Error) => this.logger.warn(`Redis (subscriber): ${error.message}`));
    this.watchLiveness(copy, 'Redis (subscriber)', this.redis.options.commandTimeout ?? 5_000);
    return copy;
  }

  /** Pings a ready connection every `intervalMs`; one whose ping times out is destroyed and reconnected. */
  private watchLiveness(connection: Redis, name: string, intervalMs: number): void {
    let probing = false;
    const timer = setInterval(() => {
      if (probing || connection.status !== 'ready') {
        return;
      }
      probing = true;
      connection
        .ping()
        .catch((error: Error) => {
          if (connection.status === 'ready' && /timed out/i.test(error.message)) {
            this.logger.warn(`${name}: no answer to a ping within ${intervalMs} ms, replacing the connection`);
            // Destroyed rather than ended: ending waits for an answer the silent peer never sends. ioredis then
            // reconnects as after any drop.
            connection.stream.destroy();
          }
        })
        .finally(() => (probing = false));
    }, intervalMs);
    timer.unref();
    this.livenessTimers.push(timer);
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
    for (const timer of this.livenessTimers) clearInterval(timer);
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
