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
 * A missing key is created only if the symbol was not removed lately (a write already on its way when it was removed
 * must not bring its price back) and, for backfilled prices, only once Redis was seeded from PostgreSQL (an old trade
 * of a backfill must not become the latest price of a Redis that lost everything). Both are checked only for a missing
 * key, so the usual write costs nothing more.
 * KEYS: one hash per symbol, then the removed-symbols hash, then the seeded marker. ARGV[1]: channel; ARGV[2]: the
 * publishing store's tag, the message's first line (so a store can skip its own messages); ARGV[3]: '1' when the
 * prices are backfilled; then 5 values per key (symbol, price, tradeId, tradeTime, updatedAt).
 * Returns how many keys were updated.
 */
const SET_IF_NEWER = `
local count = #KEYS - 2
local removedSymbols = KEYS[count + 1]
local seededMarker = KEYS[count + 2]
local backfilled = ARGV[3] == '1'
local seeded = nil
local now = nil
local changed = {}
for i = 1, count do
  local base = 3 + (i - 1) * 5
  local incoming = tonumber(ARGV[base + 3])
  local current = tonumber(redis.call('HGET', KEYS[i], 't'))
  local write
  if current ~= nil then
    write = incoming > current
  else
    write = true
    if backfilled then
      if seeded == nil then seeded = redis.call('EXISTS', seededMarker) == 1 end
      write = seeded
    end
    if write then
      local removedUntil = tonumber(redis.call('HGET', removedSymbols, ARGV[base + 1]))
      if removedUntil ~= nil then
        if now == nil then
          local time = redis.call('TIME')
          now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        end
        write = now >= removedUntil
      end
    end
  end
  if write then
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
 * Deletes a removed symbol's price and refuses to create it again for ARGV[2] ms, by Redis's clock: long enough for
 * every instance to learn of the removal and for writes already on their way to arrive. Holds that ended are
 * forgotten here, so the hash stays as small as the recent removals.
 * KEYS[1]: the symbol's price; KEYS[2]: the removed-symbols hash. ARGV[1]: the symbol.
 */
const REMOVE = `
redis.call('UNLINK', KEYS[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local holds = redis.call('HGETALL', KEYS[2])
for i = 1, #holds, 2 do
  if tonumber(holds[i + 1]) <= now then redis.call('HDEL', KEYS[2], holds[i]) end
end
redis.call('HSET', KEYS[2], ARGV[1], now + tonumber(ARGV[2]))
`;

/** A removed symbol's price is not created again for this long, unless the symbol is added back first. */
const REMOVAL_HOLD_MS = 60_000;

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
    removePrice(priceKey: string, removedSymbolsKey: string, symbol: string, holdMs: number): Result<unknown, Context>;
    pricesOf(...keysWithCount: Array<string | number>): Result<Array<string | null | false>, Context>;
  }
}

/** The Redis hash holding a symbol's latest price under a key prefix. */
export function latestPriceKey(keyPrefix: string, symbol: string): string {
  return `${keyPrefix}price:${symbol}`;
}

export type PriceListener = (prices: LatestPrice[]) => void;

/** Live prices are the newest there are; backfilled ones may be older than what PostgreSQL holds (see SET_IF_NEWER). */
export type PriceSource = 'live' | 'backfill';

@Injectable()
export class LatestPriceStore implements OnApplicationShutdown {
  private readonly logger = new Logger(LatestPriceStore.name);
  private subscriber: Redis | null = null;
  /** First line of this store's feed messages; the writer's own view already has those prices. */
  private readonly tag = randomUUID();

  constructor(private readonly client: RedisClient) {
    client.redis.defineCommand('setPricesIfNewer', { lua: SET_IF_NEWER });
    client.redis.defineCommand('pricesOf', { lua: PRICES_OF });
    client.redis.defineCommand('removePrice', { numberOfKeys: 2, lua: REMOVE });
  }

  private key(symbol: string): string {
    return latestPriceKey(this.client.keyPrefix, symbol);
  }

  private channel(): string {
    return `${this.client.keyPrefix}prices`;
  }

  private removedSymbolsKey(): string {
    return `${this.client.keyPrefix}price-removed`;
  }

  /** Exists once Redis holds every tracked symbol's newest stored price; gone when Redis lost its data. */
  private seededKey(): string {
    return `${this.client.keyPrefix}prices-seeded`;
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

  /**
   * Stores every price that is newer than the stored one; returns how many were stored. Not stored: a removed
   * symbol's price for a while after the removal, and a backfilled price with nothing stored yet while Redis is not seeded.
   */
  async setIfNewer(prices: readonly LatestPrice[], source: PriceSource = 'live'): Promise<number> {
    let updated = 0;
    for (const chunk of scriptCallChunks(prices)) {
      const keys = chunk.map((price) => this.key(price.symbol));
      keys.push(this.removedSymbolsKey(), this.seededKey());
      const args: Array<string | number> = [this.channel(), this.tag, source === 'backfill' ? '1' : '0'];
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

  /** False when Redis lost its data (a restart without persistence) or was never seeded. */
  async isSeeded(): Promise<boolean> {
    return (await this.client.redis.exists(this.seededKey())) === 1;
  }

  /** Stores the newest stored prices like live ones, then marks Redis as seeded; returns how many were stored. */
  async seed(prices: readonly LatestPrice[]): Promise<number> {
    const updated = await this.setIfNewer(prices);
    await this.client.redis.set(this.seededKey(), '1');
    return updated;
  }

  /** Deletes the symbol's price; writes still on their way do not create it again (see REMOVE). */
  async delete(symbol: string): Promise<void> {
    await this.client.redis.removePrice(this.key(symbol), this.removedSymbolsKey(), symbol, REMOVAL_HOLD_MS);
  }

  /** The symbol is tracked again: its prices are stored again at once. */
  async readmit(symbol: string): Promise<void> {
    await this.client.redis.hdel(this.removedSymbolsKey(), symbol);
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
