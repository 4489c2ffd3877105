import type { BinanceEmulator } from '@binance-rates/emulator';
import { testRedisUrl } from '@binance-rates/testing';

/** The environment that points a service process at a test's database, its Redis key prefix and its emulator. */
export function serviceEnv({
  databaseUrl,
  redisKeyPrefix,
  emulator,
}: {
  databaseUrl: string;
  redisKeyPrefix: string;
  emulator: BinanceEmulator;
}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: redisKeyPrefix,
    BINANCE_WS_URL: emulator.wsBaseUrl,
    BINANCE_REST_URL: emulator.restBaseUrl,
    BINANCE_DATA_URL: emulator.dataBaseUrl,
  };
}
