import { cleanupRedisPrefix, sleep, testConfig, testRedisPrefix, testRedisUrl } from '@binance-rates/testing';
import { InstanceStats, InstanceStatsStore } from './instance-stats.store';
import { RedisClient } from './redis.client';

const stats: InstanceStats = {
  tradesPerSecond: 42.5,
  pendingTrades: 7,
  symbols: 3,
  liveSymbols: 2,
  live: true,
  historyWritesHealthy: true,
  latestPriceWritesHealthy: false,
  pushClients: 1,
};

describe('InstanceStatsStore (real Redis)', () => {
  const prefix = testRedisPrefix();
  const client = new RedisClient(testConfig({ redis: { keyPrefix: prefix } }));
  const store = new InstanceStatsStore(client);

  afterAll(async () => {
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    await client.onApplicationShutdown();
  });

  it('reads back what each instance published, and nothing for an instance that did not', async () => {
    await store.publish({ instanceId: 'a', stats, ttlMs: 5_000 });
    await store.publish({ instanceId: 'b', stats: { ...stats, pendingTrades: 0 }, ttlMs: 5_000 });
    const read = await store.read(['a', 'b', 'silent']);
    expect([...read.keys()].sort()).toEqual(['a', 'b']);
    expect(read.get('a')).toEqual(stats);
    expect(read.get('b')?.pendingTrades).toBe(0);
    expect(await store.read([])).toEqual(new Map());
  });

  it('forgets a report once its TTL has passed by Redis\'s clock', async () => {
    await store.publish({ instanceId: 'brief', stats, ttlMs: 100 });
    expect((await store.read(['brief'])).size).toBe(1);
    await sleep(250);
    expect((await store.read(['brief'])).size).toBe(0);
  });
});
