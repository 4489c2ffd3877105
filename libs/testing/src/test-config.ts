import { AppConfig, loadConfig } from '@binance-rates/config';
import { databaseUrl } from './test-database';
import { testRedisPrefix, testRedisUrl } from './test-redis';

/** What a test may change: any setting, and within a section (`ingest`, `redis`...) only the ones it names. */
export type TestConfigOverrides = {
  [K in keyof AppConfig]?: AppConfig[K] extends readonly unknown[]
    ? AppConfig[K]
    : AppConfig[K] extends object
      ? Partial<AppConfig[K]>
      : AppConfig[K];
};

/**
 * A complete configuration as the service would load it (`loadConfig`, its defaults, no `.env`), pointed at the test
 * servers: a database no test creates (so one that forgets its own fails instead of writing elsewhere) and a Redis
 * key prefix of its own. `overrides` are merged in section by section and, unlike the environment, not validated:
 * a test may ask for what the service refuses, such as a pool of one connection. Frozen, like the real one.
 */
export function testConfig(overrides: TestConfigOverrides = {}): AppConfig {
  const base = loadConfig(
    {
      DOTENV: 'false',
      DATABASE_URL: databaseUrl('rates_test_no_database'),
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: testRedisPrefix(),
    },
    '/nonexistent/.env',
  );
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides) as Array<[string, unknown]>) {
    if (value === undefined) {
      continue;
    }
    const current = merged[key];
    if (Array.isArray(value)) {
      merged[key] = Object.freeze([...value]);
    } else if (isSection(current) && isSection(value)) {
      merged[key] = Object.freeze({ ...current, ...withoutUndefined(value) });
    } else {
      merged[key] = value;
    }
  }
  return Object.freeze(merged) as unknown as AppConfig;
}

function isSection(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutUndefined(section: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(section).filter(([, value]) => value !== undefined));
}
