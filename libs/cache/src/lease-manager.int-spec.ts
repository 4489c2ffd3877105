import { cleanupRedisPrefix, sleep, testConfig, testRedisPrefix, testRedisUrl } from '@binance-rates/testing';
import { InstanceRegistryStore } from './instance-registry.store';
import { LeaseManager } from './lease-manager';
import { RedisClient } from './redis.client';

describe('LeaseManager and InstanceRegistryStore (real Redis)', () => {
  const prefix = testRedisPrefix();
  const clients: RedisClient[] = [];

  function manager(leaseTtlMs = 1_000): LeaseManager {
    const config = testConfig({ redis: { keyPrefix: prefix }, cluster: { leaseTtlMs } });
    const client = new RedisClient(config);
    clients.push(client);
    return new LeaseManager(client, config);
  }

  async function ready(): Promise<void> {
    await Promise.all(clients.map((client) => client.redis.ping()));
  }

  afterAll(async () => {
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    await Promise.all(clients.map((client) => client.onApplicationShutdown()));
  });

  it('gives a symbol to exactly one of several instances racing for it', async () => {
    const racers = [manager(), manager(), manager(), manager()];
    await ready();
    const results = await Promise.all(racers.map((racer) => racer.tryAcquire('RACEUSDT')));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await racers[0].leased(['RACEUSDT', 'FREEUSDT'])).toEqual(new Set(['RACEUSDT']));
  });

  it('keeps a renewed lease past its TTL and frees a released one at once', async () => {
    const [owner, other] = [manager(600), manager(600)];
    await ready();
    expect(await owner.tryAcquire('KEEPUSDT')).toBe(true);
    for (let round = 0; round < 4; round += 1) {
      await sleep(250);
      expect(await owner.renewAll()).toEqual({ lost: [], redisDown: false });
    }
    expect(await other.tryAcquire('KEEPUSDT')).toBe(false);
    await owner.release('KEEPUSDT');
    expect(await other.tryAcquire('KEEPUSDT')).toBe(true);
  });

  it('reports a lease lost when it expired and another instance took it, and re-takes one still free', async () => {
    const [sleeper, thief] = [manager(300), manager(300)];
    await ready();
    expect(await sleeper.tryAcquire('LOSTUSDT')).toBe(true);
    expect(await sleeper.tryAcquire('BACKUSDT')).toBe(true);
    await sleep(450);
    expect(await thief.tryAcquire('LOSTUSDT')).toBe(true);
    const outcome = await sleeper.renewAll();
    expect(outcome).toEqual({ lost: ['LOSTUSDT'], redisDown: false });
    expect(sleeper.held()).toEqual(['BACKUSDT']);
  });

  it('renews more leases than one script call takes, keeping every one past its TTL, and spots the one taken away', async () => {
    const [owner, other] = [manager(800), manager(800)];
    await ready();
    const symbols = Array.from({ length: 1_200 }, (_, index) => `BULK${index}USDT`);
    expect((await Promise.all(symbols.map((symbol) => owner.tryAcquire(symbol)))).every(Boolean)).toBe(true);
    for (let round = 0; round < 3; round += 1) {
      await sleep(400);
      expect(await owner.renewAll()).toEqual({ lost: [], redisDown: false });
    }
    // Another instance's lock value on one key: that lease is no longer ours, wherever it sits in the batches.
    await clients[0]!.redis.set(`${prefix}lease:BULK777USDT`, 'someone-else', 'PX', 5_000);
    expect(await owner.renewAll()).toEqual({ lost: ['BULK777USDT'], redisDown: false });
    expect(owner.held()).toHaveLength(1_199);
    expect(await other.leased(symbols)).toEqual(new Set(symbols));
    expect(await other.tryAcquire('BULK1199USDT')).toBe(false);
  });

  it('takes nothing more once everything was given back, not even a lease granted meanwhile', async () => {
    const [leaving, other] = [manager(5_000), manager(5_000)];
    await ready();
    expect(await leaving.tryAcquire('GONEUSDT')).toBe(true);
    const inFlight = leaving.tryAcquire('LATEUSDT');
    await leaving.releaseAll();
    expect(await inFlight).toBe(false);
    expect(await leaving.tryAcquire('NEWUSDT')).toBe(false);
    expect(leaving.held()).toEqual([]);
    expect(await other.leased(['GONEUSDT', 'LATEUSDT', 'NEWUSDT'])).toEqual(new Set());
    expect(await other.tryAcquire('LATEUSDT')).toBe(true);
  });

  it('tracks live instances by heartbeat and forgets the silent and the departed', async () => {
    const client = new RedisClient(testConfig({ redis: { keyPrefix: prefix } }));
    clients.push(client);
    const registry = new InstanceRegistryStore(client);
    // Stamps come from Redis's clock: 'silent' is silent for longer than the 200 ms TTL by really waiting.
    await registry.heartbeat('silent');
    await sleep(300);
    await registry.heartbeat('alive');
    await registry.heartbeat('leaving');
    await registry.leave('leaving');
    expect(await registry.live(200)).toEqual(['alive']);
    // A heartbeat of a round that was still running when the instance left does not bring it back.
    await registry.heartbeat('leaving');
    expect(await registry.live(200)).toEqual(['alive']);
  });

  it('judges liveness by the Redis clock: an instance whose clock runs ahead evicts no peer', async () => {
    const registries = [0, 1].map(() => {
      const client = new RedisClient(testConfig({ redis: { keyPrefix: `${prefix}skew:` } }));
      clients.push(client);
      return new InstanceRegistryStore(client);
    });
    const [behind, ahead] = registries;
    await behind.heartbeat('on-time');
    const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 10_000);
    try {
      await ahead.heartbeat('ten-seconds-ahead');
      expect((await ahead.live(5_000)).sort()).toEqual(['on-time', 'ten-seconds-ahead']);
    } finally {
      clock.mockRestore();
    }
    expect((await behind.live(5_000)).sort()).toEqual(['on-time', 'ten-seconds-ahead']);
  });
});
