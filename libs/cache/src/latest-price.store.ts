import { Injectable } from '@nestjs/common';
import { LatestPrice } from '@binance-rates/domain';
import type { ClientContext, Result } from 'ioredis';
import { RedisClient } from './redis.client';

/**
 * Writes each price only if its trade id is newer than the stored one, atomically, so a late or replayed trade,
 * a backfill, or a second instance that still believes it owns the coin can never move the price backwards.
 * KEYS: one hash per symbol. ARGV: 4 values per key (price, tradeId, tradeTime, updatedAt).
 * Returns how many keys were updated.
 */
const SET_IF_NEWER = `
local updated = 0
for i = 1, #KEYS do
  local base = (i - 1) * 4
  local incoming = tonumber(ARGV[base + 2])
  local current = tonumber(redis.call('HGET', KEYS[i], 't'))
  if current == nil or incoming > current then
    redis.call('HSET', KEYS[i], 'p', ARGV[base + 1], 't', ARGV[base + 2], 'T', ARGV[base + 3], 'u', ARGV[base + 4])
    updated = updated + 1
  end
end
return updated
`;

/** Keys per EVALSHA call: bounds the time one script blocks Redis. */
const MAX_KEYS_PER_CALL = 500;

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    setPricesIfNewer(...keysAndArgs: Array<string | number>): Result<number, Context>;
  }
}

@Injectable()
export class LatestPriceStore {
  constructor(private readonly client: RedisClient) {
    client.redis.defineCommand('setPricesIfNewer', { lua: SET_IF_NEWER });
  }

  private key(symbol: string): string {
    return `${this.client.keyPrefix}price:${symbol}`;
  }

  /** Stores every price that is newer than the stored one; returns how many were newer. */
  async setIfNewer(prices: readonly LatestPrice[]): Promise<number> {
    let updated = 0;
    for (let start = 0; start < prices.length; start += MAX_KEYS_PER_CALL) {
      const chunk = prices.slice(start, start + MAX_KEYS_PER_CALL);
      const keys = chunk.map((price) => this.key(price.symbol));
      const args: Array<string | number> = [];
      for (const price of chunk) {
        args.push(price.price, price.tradeId, price.tradeTime, price.updatedAt);
      }
      updated += await this.client.redis.setPricesIfNewer(keys.length, ...keys, ...args);
    }
    return updated;
  }

  async get(symbol: string): Promise<LatestPrice | null> {
    const hash = await this.client.redis.hgetall(this.key(symbol));
    return parsePrice(symbol, hash);
  }

  async getMany(symbols: readonly string[]): Promise<Map<string, LatestPrice>> {
    const result = new Map<string, LatestPrice>();
    if (symbols.length === 0) {
      return result;
    }
    const pipeline = this.client.redis.pipeline();
    for (const symbol of symbols) {
      pipeline.hgetall(this.key(symbol));
    }
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, hash], index) => {
      if (error) {
        throw error;
      }
      const price = parsePrice(symbols[index], hash as Record<string, string>);
      if (price) {
        result.set(price.symbol, price);
      }
    });
    return result;
  }

  async delete(symbol: string): Promise<void> {
    await this.client.redis.unlink(this.key(symbol));
  }
}

function parsePrice(symbol: string, hash: Record<string, string>): LatestPrice | null {
  if (!hash || hash['p'] === undefined) {
    return null;
  }
  return {
    symbol,
    price: hash['p'],
    tradeId: Number(hash['t']),
    tradeTime: Number(hash['T']),
    updatedAt: Number(hash['u']),
  };
}
