import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { Lock, Redlock } from '@sesamecare-oss/redlock';
import { RedisClient } from './redis.client';

export interface RenewOutcome {
  /** Leases another instance holds now: stop acting as their owner at once. */
  lost: string[];
  /** True when Redis could not be reached; leases are then kept as they are until it returns. */
  redisDown: boolean;
}

/**
 * Per-symbol ownership leases, taken and renewed through Redlock on our Redis. A lease is a lock for efficiency
 * (one stream per symbol), never for correctness: every write downstream is idempotent or compare-by-trade-id,
 * so two instances that briefly both believe they own a symbol store the same history and never move a price back.
 */
@Injectable()
export class LeaseManager {
  private readonly logger = new Logger(LeaseManager.name);
  private readonly redlock: Redlock;
  private readonly leases = new Map<string, Lock>();
  private readonly ttlMs: number;

  constructor(
    private readonly client: RedisClient,
    config: AppConfig,
  ) {
    this.ttlMs = config.cluster.leaseTtlMs;
    this.redlock = new Redlock([client.redis], {
      retryCount: 0,
      driftFactor: 0.01,
      db: client.redis.options.db ?? 0,
    });
    // Failed attempts are expected (another instance holds the lease); they are handled where they happen.
    this.redlock.on('error', () => undefined);
  }

  private key(symbol: string): string {
    return `${this.client.keyPrefix}lease:${symbol}`;
  }

  held(): string[] {
    return [...this.leases.keys()];
  }

  holds(symbol: string): boolean {
    return this.leases.has(symbol);
  }

  redisReachable(): boolean {
    return this.client.redis.status === 'ready';
  }

  /** Takes the lease if nobody holds it; false (never an exception) when it is taken or Redis is down. */
  async tryAcquire(symbol: string): Promise<boolean> {
    if (this.leases.has(symbol)) {
      return true;
    }
    try {
      this.leases.set(symbol, await this.redlock.acquire([this.key(symbol)], this.ttlMs));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Extends every held lease. A lease that cannot be extended while Redis answers has expired; it is taken again
   * if still free, and reported lost if another instance has it.
   */
  async renewAll(): Promise<RenewOutcome> {
    if (!this.redisReachable()) {
      return { lost: [], redisDown: true };
    }
    const lost: string[] = [];
    await Promise.all(
      [...this.leases].map(async ([symbol, lock]) => {
        try {
          this.leases.set(symbol, await lock.extend(this.ttlMs));
        } catch {
          if (!this.redisReachable()) {
            return;
          }
          this.leases.delete(symbol);
          if (!(await this.tryAcquire(symbol))) {
            lost.push(symbol);
          }
        }
      }),
    );
    if (lost.length > 0) {
      this.logger.warn(`leases lost to another instance: ${lost.join(', ')}`);
    }
    return { lost, redisDown: !this.redisReachable() };
  }

  async release(symbol: string): Promise<void> {
    const lock = this.leases.get(symbol);
    this.leases.delete(symbol);
    await lock?.release().catch(() => undefined);
  }

  async releaseAll(): Promise<void> {
    await Promise.all(this.held().map((symbol) => this.release(symbol)));
  }

  /** Which of these symbols have a lease held by anyone, in one round trip. */
  async leased(symbols: readonly string[]): Promise<Set<string>> {
    if (symbols.length === 0) {
      return new Set();
    }
    const pipeline = this.client.redis.pipeline();
    for (const symbol of symbols) {
      pipeline.exists(this.key(symbol));
    }
    const replies = (await pipeline.exec()) ?? [];
    const result = new Set<string>();
    replies.forEach(([error, exists], index) => {
      if (error) throw error;
      if (exists === 1) result.add(symbols[index]);
    });
    return result;
  }
}
