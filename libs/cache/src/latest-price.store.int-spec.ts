import { LatestPrice } from '@binance-rates/domain';
import { cleanupRedisPrefix, sleep, testConfig, testRedisPrefix, testRedisUrl, waitFor } from '@binance-rates/testing';
import { LatestPriceStore } from './latest-price.store';
import { RedisClient } from './redis.client';

async function priceOf(store: LatestPriceStore, symbol: string): Promise<LatestPrice | null> {
  return (await store.getMany([symbol])).get(symbol) ?? null;
}

function price(symbol: string, tradeId: number, value = `${tradeId}.00000000`): LatestPrice {
  return { symbol, price: value, tradeId, tradeTime: 1_700_000_000_000 + tradeId, updatedAt: Date.now() };
}

describe('LatestPriceStore (real Redis)', () => {
  const prefix = testRedisPrefix();
  const clients: RedisClient[] = [];
  let store: LatestPriceStore;

  function newStore(): LatestPriceStore {
    const client = new RedisClient(testConfig({ redis: { keyPrefix: prefix } }));
    clients.push(client);
    return new LatestPriceStore(client);
  }

  beforeAll(() => {
    store = newStore();
  });

  const stores: LatestPriceStore[] = [];

  afterAll(async () => {
    await Promise.all(stores.map((feedStore) => feedStore.onApplicationShutdown()));
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    await Promise.all(clients.map((client) => client.onApplicationShutdown()));
  });

  it('publishes exactly the prices that changed to every subscriber', async () => {
    const listener = newStore();
    stores.push(listener);
    const received: LatestPrice[] = [];
    await new Promise<void>((resolve) => listener.subscribe((prices) => received.push(...prices), resolve));
    await store.setIfNewer([price('FEED1', 5, '5.5'), price('FEED2', 3)]);
    await store.setIfNewer([price('FEED1', 4, 'older'), price('FEED2', 9, '9.25')]);
    await waitFor(() => received.length >= 3, { what: 'three published prices', timeoutMs: 2_000 });
    expect(received.map(({ symbol, price: value, tradeId }) => ({ symbol, value, tradeId }))).toEqual([
      { symbol: 'FEED1', value: '5.5', tradeId: 5 },
      { symbol: 'FEED2', value: '3.00000000', tradeId: 3 },
      { symbol: 'FEED2', value: '9.25', tradeId: 9 },
    ]);
  });

  it("leaves a store's own writes out of its feed, which already has them, and hands them to every other store", async () => {
    const [first, second] = [newStore(), newStore()];
    stores.push(first, second);
    const heard = { first: [] as string[], second: [] as string[] };
    await new Promise<void>((resolve) => first.subscribe((prices) => heard.first.push(...prices.map((p) => p.symbol)), resolve));
    await new Promise<void>((resolve) => second.subscribe((prices) => heard.second.push(...prices.map((p) => p.symbol)), resolve));
    await first.setIfNewer([price('OWN1', 1)]);
    await second.setIfNewer([price('OWN2', 1)]);
    await waitFor(() => heard.first.length >= 1 && heard.second.length >= 1, { what: "each store hearing the other's write", timeoutMs: 2_000 });
    await sleep(100);
    expect(heard).toEqual({ first: ['OWN2'], second: ['OWN1'] });
  });

  it('stores a first price exactly as given', async () => {
    await store.setIfNewer([price('AAA1', 10, '0.00000001')]);
    expect(await priceOf(store, 'AAA1')).toMatchObject({ symbol: 'AAA1', price: '0.00000001', tradeId: 10 });
  });

  it('refuses an older or equal trade id: the price never goes backwards', async () => {
    await store.setIfNewer([price('AAA2', 50, '50.5')]);
    expect(await store.setIfNewer([price('AAA2', 49, '49.5'), price('AAA2', 50, 'other')])).toBe(0);
    expect((await priceOf(store, 'AAA2'))?.price).toBe('50.5');
  });

  it('keeps only the newest when one call carries the same symbol twice', async () => {
    await store.setIfNewer([price('AAA3', 7), price('AAA3', 9), price('AAA3', 8)]);
    expect((await priceOf(store, 'AAA3'))?.tradeId).toBe(9);
  });

  it('gives the same result as one writer when two writers race', async () => {
    const writerA = newStore();
    const writerB = newStore();
    const ids = Array.from({ length: 400 }, (_, index) => index + 1);
    const shuffled = [...ids].sort(() => Math.random() - 0.5);
    await Promise.all([
      ...ids.map((id) => writerA.setIfNewer([price('RACE', id)])),
      ...shuffled.map((id) => writerB.setIfNewer([price('RACE', id)])),
    ]);
    expect(await priceOf(store, 'RACE')).toMatchObject({ tradeId: 400, price: '400.00000000' });
  });

  it('handles more symbols than one script call carries', async () => {
    const many = Array.from({ length: 1_234 }, (_, index) => price(`MANY${index}`, index + 1));
    expect(await store.setIfNewer(many)).toBe(1_234);
    const read = await store.getMany(many.map((entry) => entry.symbol));
    expect(read.size).toBe(1_234);
    expect(read.get('MANY1233')?.tradeId).toBe(1_234);
  });

  it('returns null for an unknown symbol and forgets a deleted one', async () => {
    expect(await priceOf(store, 'NOPE')).toBeNull();
    await store.setIfNewer([price('GONE', 1)]);
    await store.delete('GONE');
    expect(await priceOf(store, 'GONE')).toBeNull();
  });

  it('lets no write that was already on its way bring a removed symbol\'s price back', async () => {
    await store.setIfNewer([price('REMOVED1', 1)]);
    await store.delete('REMOVED1');
    await store.setIfNewer([price('REMOVED1', 2)]);
    expect(await priceOf(store, 'REMOVED1')).toBeNull();
  });

  it('prices a symbol added back after its removal at once', async () => {
    await store.setIfNewer([price('READDED', 1)]);
    await store.delete('READDED');
    await store.readmit('READDED');
    await store.setIfNewer([price('READDED', 2)]);
    expect((await priceOf(store, 'READDED'))?.tradeId).toBe(2);
  });

  it('creates no price from a backfill until Redis was seeded, but lets a backfill move an existing price on', async () => {
    const unseeded = newStore();
    expect(await unseeded.isSeeded()).toBe(false);
    await unseeded.setIfNewer([price('BACKFILLED1', 5)]);
    expect(await unseeded.setIfNewer([price('BACKFILLED1', 6), price('BACKFILLED2', 3)], 'backfill')).toBe(1);
    expect((await priceOf(unseeded, 'BACKFILLED1'))?.tradeId).toBe(6);
    expect(await priceOf(unseeded, 'BACKFILLED2')).toBeNull();
    await unseeded.seed([]);
    expect(await unseeded.isSeeded()).toBe(true);
    expect(await unseeded.setIfNewer([price('BACKFILLED2', 3)], 'backfill')).toBe(1);
  });
});
