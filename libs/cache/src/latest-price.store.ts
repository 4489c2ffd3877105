import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { LatestPrice } from '@binance-rates/domain';
import type { ClientContext, Result } from 'ioredis';
import { RedisClient, scriptCallChunks } from './redis.client';

/**
 * Writes each price only if its trade id is newer than the stored one, atomically, so a late or replayed trade,
 * a backfill, or a second instance that still believes it owns the symbol can never move the price backwards.
 * The prices that did change are published in the same step, so every instance's in-memory view follows.
 * KEYS: one hash per symbol. ARGV[1]: channel; ARGV[2]: the publishing store's tag, the message's first line (so a
 * store can skip its own messages); then 5 values per key (symbol, price, tradeId, tradeTime, updatedAt).
 * Returns how many keys were updated.
 */
const SET_IF_NEWER = `
local changed = {}
for i = 1, #KEYS do
  local base = 2 + (i - 1) * 5
  local incoming = tonumber(ARGV[base + 3])
  local current = tonumber(redis.call('HGET', KEYS[i], 't'))
  if current == nil or incoming > current then
    redis.call('HSET', KEYS[i], 'p', ARGV[base + 2], 't', ARGV[base + 3], 'T', ARGV[base + 4], 'u', ARGV[base + 5])
    changed[#changed + 1] = ARGV[base + 1] .. ' ' .. ARGV[base + 2] .. ' ' .. ARGV[base + 3] .. ' ' .. ARGV[base + 4] .. ' ' .. ARGV[base + 5]
  end
end
if #changed > 0 then
  redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\\n' .. table.concat(changed, '\\n'))
end
return #changed
`;

/**
 * The stored fields of many symbols at once: for each key, price, trade id, trade time and update time (nil when the
 * key is missing, which arrives as null or, over RESP3, false). One script call instead of a pipeline of HGETALLs,
 * which costs one command object, promise, reply and socket write per symbol: the periodic resync of 2,000 symbols was
 * a large part of an idle instance's CPU.
 */
const PRICES_OF = `
local fields = {}
for i = 1, #KEYS do
  local values = redis.call('HMGET', KEYS[i], 'p', 't', 'T', 'u')
  for j = 1, 4 do
    fields[(i - 1) * 4 + j] = values[j]
  end
end
return fields
`;

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    setPricesIfNewer(...keysAndArgs: Array<string | number>): Result<number, Context>;
    pricesOf(...keysWithCount: Array<string | number>): Result<Array<string | null | false>, Context>;
  }
}

/** The Redis hash holding a symbol's latest price under a key prefix. */
export function latestPriceKey(keyPrefix: string, symbol: string): string {
  return `${keyPrefix}price:${symbol}`;
}

export type PriceListener = (prices: LatestPrice[]) => void;

@Injectable()
export class LatestPriceStore implements OnApplicationShutdown {
  private readonly logger = new Logger(LatestPriceStore.name);
  private subscriber: Redis | null = null;
  /** First line of this store's feed messages; the writer's own view already has those prices. */
  private readonly tag = randomUUID();

  constructor(private readonly client: RedisClient) {
    client.redis.defineCommand('setPricesIfNewer', { lua: SET_IF_NEWER });
    client.redis.defineCommand('pricesOf', { lua: PRICES_OF });
  }

  private key(symbol: string): string {
    return latestPriceKey(this.client.keyPrefix, symbol);
  }

  private channel(): string {
    return `${this.client.keyPrefix}prices`;
  }

  /** Every price any instance stores from now on; `onReconnect` runs when the feed (re)connects, to resync. */
  subscribe(listener: PriceListener, onReconnect: () => void): void {
    const subscriber = this.client.duplicate();
    this.subscriber = subscriber;
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel()).then(onReconnect, (error: Error) => this.logger.warn(`price feed: ${error.message}`));
    });
    const ownPrefix = `${this.tag}\n`;
    subscriber.on('message', (_channel: string, message: string) => {
      if (!message.startsWith(ownPrefix)) {
        listener(parseFeed(message.slice(message.indexOf('\n') + 1)));
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /** Stores every price that is newer than the stored one; returns how many were newer. */
  async setIfNewer(prices: readonly LatestPrice[]): Promise<number> {
    let updated = 0;
    for (const chunk of scriptCallChunks(prices)) {
      const keys = chunk.map((price) => this.key(price.symbol));
      const args: Array<string | number> = [this.channel(), this.tag];
      for (const price of chunk) {
        args.push(price.symbol, price.price, price.tradeId, price.tradeTime, price.updatedAt);
      }
      updated += await this.client.redis.setPricesIfNewer(keys.length, ...keys, ...args);
    }
    return updated;
  }

  /** The stored prices of these symbols (absent when none is stored), one script call per 500 symbols. */
  async getMany(symbols: readonly string[]): Promise<Map<string, LatestPrice>> {
    const result = new Map<string, LatestPrice>();
    for (const chunk of scriptCallChunks(symbols)) {
      const fields = await this.client.redis.pricesOf(chunk.length, ...chunk.map((symbol) => this.key(symbol)));
      chunk.forEach((symbol, index) => {
        const [price, tradeId, tradeTime, updatedAt] = fields.slice(index * 4, index * 4 + 4);
        if (price && tradeId && tradeTime && updatedAt) {
          result.set(symbol, { symbol, price, tradeId: Number(tradeId), tradeTime: Number(tradeTime), updatedAt: Number(updatedAt) });
        }
      });
    }
    return result;
  }

  async delete(symbol: string): Promise<void> {
    await this.client.redis.unlink(this.key(symbol));
  }
}

function parseFeed(message: string): LatestPrice[] {
  const prices: LatestPrice[] = [];
  for (const line of message.split('\n')) {
    const [symbol, price, tradeId, tradeTime, updatedAt] = line.split(' ');
    if (updatedAt !== undefined) {
      prices.push({ symbol, price, tradeId: Number(tradeId), tradeTime: Number(tradeTime), updatedAt: Number(updatedAt) });
    }
  }
  return prices;
}
