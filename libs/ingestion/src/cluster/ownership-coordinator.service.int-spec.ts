import Redis from 'ioredis';
import { InstanceRegistryStore, LeaseManager, RedisClient, StreamStatusStore } from '@binance-rates/cache';
import { settlesWithin } from '@binance-rates/domain';
import { TcpProxy, cleanupRedisPrefix, sleep, testConfig, testRedisPrefix, testRedisUrl, waitFor } from '@binance-rates/testing';
import { StreamSupervisor } from '../live/stream-supervisor.service';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { OwnershipCoordinator } from './ownership-coordinator.service';
import { StreamStatusView } from './stream-status.view';
import { FakeSupervisor } from './stream-supervisor.fixtures';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];


describe('OwnershipCoordinator (real Redis behind a proxy)', () => {
  const prefix = testRedisPrefix();
  let proxy: TcpProxy;
  let direct: Redis;
  let client: RedisClient;
  let instances: InstanceRegistryStore;
  let coordinator: OwnershipCoordinator;

  beforeEach(async () => {
    const proxied = await TcpProxy.inFrontOf(testRedisUrl());
    proxy = proxied.proxy;
    direct = new Redis(testRedisUrl());
    const config = testConfig({
      instanceId: 'silent-test',
      redis: { url: proxied.url, keyPrefix: prefix, commandTimeoutMs: 300 },
      cluster: { leaseTtlMs: 2_000, leaseRenewMs: 200 },
    });
    client = new RedisClient(config);
    instances = new InstanceRegistryStore(client);
    const supervisor = new FakeSupervisor() as unknown as StreamSupervisor;
    const tracked = { list: () => [...SYMBOLS], isActive: () => true } as unknown as TrackedSymbolsService;
    coordinator = new OwnershipCoordinator(
      config,
      tracked,
      supervisor,
      new LeaseManager(client, config),
      instances,
      new StreamStatusStore(client),
      new StreamStatusView(config, supervisor),
    );
  });

  afterEach(async () => {
    await settlesWithin(coordinator.stopRounds(), 2_000);
    client.redis.disconnect();
    await settlesWithin(instances.onApplicationShutdown(), 1_000);
    await proxy.stop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    direct.disconnect();
  });

  async function lastHeartbeat(): Promise<number> {
    return Number(await direct.zscore(`${prefix}instances`, 'silent-test'));
  }

  it('ends a round waiting on a silent connection, and heartbeats again on a fresh one', async () => {
    await coordinator.start();
    await sleep(300);
    expect(await lastHeartbeat()).toBeGreaterThan(0);
    proxy.silence();
    const silencedAt = Date.now();
    // A round now waits on Redis: it must end (its commands time out), or no round would ever run again.
    expect(await settlesWithin(coordinator.tick(), 5_000)).toBe(true);
    await waitFor(async () => (await lastHeartbeat()) > silencedAt, { what: 'a heartbeat after the silence', timeoutMs: 10_000, intervalMs: 50 });
  });
});
