import { loadConfig } from '@binance-rates/config';
import { testConfig } from './test-config';
import { databaseUrl } from './test-database';
import { testRedisUrl } from './test-redis';

describe('testConfig', () => {
  it("is the service's own defaults, pointed at the test servers", () => {
    const config = testConfig();
    const defaults = loadConfig({ DOTENV: 'false' });
    expect(config.ingest).toEqual(defaults.ingest);
    expect(config.binance).toEqual(defaults.binance);
    expect(config.cluster).toEqual(defaults.cluster);
    expect(config.shutdownTimeoutMs).toBe(defaults.shutdownTimeoutMs);
    expect(config.database).toEqual({ ...defaults.database, url: databaseUrl('rates_test_no_database') });
    expect(config.redis.url).toBe(testRedisUrl());
    expect(config.redis.keyPrefix).toMatch(/^t:\d+:[0-9a-f]{8}:$/);
    expect(testConfig().redis.keyPrefix).not.toBe(config.redis.keyPrefix);
  });

  it('merges each section it is given, keeping the settings that section does not name', () => {
    const config = testConfig({
      shutdownTimeoutMs: 2_000,
      database: { url: 'postgresql://postgres@127.0.0.1:5432/mine', poolSize: 1 },
      redis: { keyPrefix: 'p:' },
      ingest: { flushIntervalMs: 10, historyBatchSize: undefined },
      apiKeys: ['0123456789abcdef'],
    });
    const defaults = testConfig();
    expect(config.shutdownTimeoutMs).toBe(2_000);
    expect(config.database).toEqual({ ...defaults.database, url: 'postgresql://postgres@127.0.0.1:5432/mine', poolSize: 1 });
    expect(config.redis).toEqual({ ...defaults.redis, url: testRedisUrl(), keyPrefix: 'p:' });
    expect(config.ingest).toEqual({ ...defaults.ingest, flushIntervalMs: 10 });
    expect(config.apiKeys).toEqual(['0123456789abcdef']);
    expect(config.cluster).toEqual(defaults.cluster);
  });

  it('is frozen, section by section, like the loaded one', () => {
    const config = testConfig({ ingest: { flushIntervalMs: 10 }, corsOrigins: ['*'] });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.ingest)).toBe(true);
    expect(Object.isFrozen(config.redis)).toBe(true);
    expect(Object.isFrozen(config.corsOrigins)).toBe(true);
  });
});
