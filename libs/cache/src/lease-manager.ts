import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { Lock, Redlock } from '@sesamecare-oss/redlock';
import type { ClientContext, Result } from 'ioredis';
import { RedisClient, scriptCallChunks } from './redis.client';

/**
 * Redlock's extend (PEXPIRE a key only while it still holds our lock value) for many leases in one script call.
 * Redlock runs one script per lock with its own promise machinery: 2,000 leases took 40-65 ms of CPU per renewal
 * round here and held the event loop for most of it; in batches it takes 3-6 ms. On our single Redis the semantics
 * are the same. KEYS: lease keys; ARGV: each key's lock value, then the TTL in ms. Returns 1 (extended) or 0 per key.
 */
const EXTEND_HELD = `
local ttl = ARGV[#ARGV]
local extended = {}
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[i] then
    redis.call('PEXPIRE', KEYS[i], ttl)
    extended[i] = 1
  else
    extended[i] = 0
  end
end
return extended
`;

/**
 * Which lease keys exist, as 1 or 0 per key. One script call instead of a pipeline of EXISTS: every ownership round
 * asks this of every tracked symbol, and with 2,000 of them the pipeline's 2,000 commands (each its own object,
 * promise and reply, written with one 2,000-part writev) were most of an idle instance's CPU.
 */
const LEASED_FLAGS = `
local flags = {}
for i = 1, #KEYS do
  flags[i] = redis.call('EXISTS', KEYS[i])
end
return flags
`;

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    extendHeldLeases(...keysAndArgs: Array<string | number>): Result<number[], Context>;
    leasedFlags(...keysWithCount: Array<string | number>): Result<number[], Context>;
  }
}

export interface RenewOutcome {
  /** Leases another instance holds now: stop acting as their owner at once. */
  lost: string[];
  /** True when Redis could not be reached; leases are then kept as they are until it returns. */
  redisDown: boolean;
}

/**
 * Per-symbol ownership leases, taken and released through Redlock on our Redis, renewed in batches. A lease is a
 * lock for efficiency (one stream per symbol), never for correctness: every write downstream is idempotent or
 * compare-by-trade-id, so two instances that briefly both believe they own a symbol store the same history and never
 * move a price back.
 */
@Injectable()
export class LeaseManager {
  private readonly logger = new Logger(LeaseManager.name);
  private readonly redlock: Redlock;
  private readonly leases = new Map<string, Lock>();
  private readonly ttlMs: number;
  private closed = false;

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
    client.redis.defineCommand('extendHeldLeases', { lua: EXTEND_HELD });
    client.redis.defineCommand('leasedFlags', { lua: LEASED_FLAGS });
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

  /**
   * Takes the lease if nobody holds it; false (never an exception) when it is taken, Redis is down, or this manager
   * has given everything back for good.
   */
  async tryAcquire(symbol: string): Promise<boolean> {
    if (this.leases.has(symbol)) {
      return true;
    }
    if (this.closed) {
      return false;
    }
    let lock: Lock;
    try {
      lock = await this.redlock.acquire([this.key(symbol)], this.ttlMs);
    } catch {
      return false;
    }
    if (this.closed) {
      // Granted while everything was being given back (a shutdown): give this one back too.
      await lock.release().catch(() => undefined);
      return false;
    }
    this.leases.set(symbol, lock);
    return true;
  }

  /**
   * Extends every held lease. A lease that cannot be extended while Redis answers has expired; it is taken again
   * if still free, and reported lost if another instance has it.
   */
  async renewAll(): Promise<RenewOutcome> {
    if (!this.redisReachable()) {
      return { lost: [], redisDown: true };
    }
    const held = [...this.leases];
    const expired: string[] = [];
    try {
      for (const chunk of scriptCallChunks(held)) {
        const extended = await this.client.redis.extendHeldLeases(
          chunk.length,
          ...chunk.map(([symbol]) => this.key(symbol)),
          ...chunk.map(([, lock]) => lock.value),
          this.ttlMs,
        );
        chunk.forEach(([symbol], index) => {
          if (extended[index] !== 1) expired.push(symbol);
        });
      }
    } catch (error) {
      // Leases are kept as they are until Redis answers again; a lease that expired meanwhile shows up next round.
      this.logger.warn(`leases not renewed: ${(error as Error).message}`);
      return { lost: [], redisDown: !this.redisReachable() };
    }
    const lost: string[] = [];
    await Promise.all(
      expired.map(async (symbol) => {
        this.leases.delete(symbol);
        if (!(await this.tryAcquire(symbol))) {
          lost.push(symbol);
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

  /** Gives every lease back for good (shutdown): nothing is acquired afterwards, not even what is being acquired now. */
  async releaseAll(): Promise<void> {
    this.closed = true;
    await Promise.all(this.held().map((symbol) => this.release(symbol)));
  }

  /** Which of these symbols have a lease held by anyone: one script call per 500 symbols. */
  async leased(symbols: readonly string[]): Promise<Set<string>> {
    const result = new Set<string>();
    for (const chunk of scriptCallChunks(symbols)) {
      const flags = await this.client.redis.leasedFlags(chunk.length, ...chunk.map((symbol) => this.key(symbol)));
      chunk.forEach((symbol, index) => {
        if (flags[index] === 1) result.add(symbol);
      });
    }
    return result;
  }
}
