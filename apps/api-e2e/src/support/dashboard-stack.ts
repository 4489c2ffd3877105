import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { TcpProxy, TestDatabase, cleanupRedisPrefix, createEmptyDatabase, testRedisPrefix, testRedisUrl } from '@binance-rates/testing';
import { CHECKOUT_ROOT, ServiceProcess, startService } from './service-process';
import { serviceEnv } from './service-env';

/** Runs before the service starts, on a migrated database: to store history the service then finds stored. */
export type HistorySeed = (context: { databaseUrl: string; emulator: BinanceEmulator }) => Promise<void>;

export interface DashboardStack {
  emulator: BinanceEmulator;
  service: ServiceProcess;
  /** In front of the service: the browser loads the page through it, so a test can cut the push and restore it. */
  proxy: TcpProxy;
  /** The page, through the proxy. */
  pageUrl: string;
  stop(): Promise<void>;
}

/**
 * The built service against an empty database, its own Redis key prefix and the emulator, with a TCP proxy in front
 * of it for the browser: what the dashboard specs and the README's screenshot run against.
 */
export async function startDashboardStack({
  tradesPerSecond,
  env = {},
  seedHistory,
}: {
  tradesPerSecond: number;
  env?: Record<string, string>;
  seedHistory?: HistorySeed;
}): Promise<DashboardStack> {
  const prefix = testRedisPrefix();
  const emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: tradesPerSecond, seed: 11 });
  let database: TestDatabase | undefined;
  let service: ServiceProcess | undefined;
  try {
    database = await createEmptyDatabase();
    if (seedHistory) {
      await migrate(database.url);
      await seedHistory({ databaseUrl: database.url, emulator });
    }
    service = await startService({ ...serviceEnv({ databaseUrl: database.url, redisKeyPrefix: prefix, emulator }), ...env });
    const { proxy, url } = await TcpProxy.inFrontOf(service.baseUrl);
    const started = service;
    const createdDatabase = database;
    return {
      emulator,
      service: started,
      proxy,
      pageUrl: url,
      stop: async () => {
        await proxy.stop();
        await started.stop('SIGKILL');
        await emulator.close();
        await createdDatabase.drop();
        await cleanupRedisPrefix(testRedisUrl(), prefix);
      },
    };
  } catch (error) {
    await service?.stop('SIGKILL');
    await emulator.close();
    await database?.drop();
    throw error;
  }
}

/** `npm run migrate:deploy` on the test's database (the built CLI), so history can be stored before the service starts. */
async function migrate(databaseUrl: string): Promise<void> {
  await promisify(execFile)(process.execPath, [join(CHECKOUT_ROOT, 'dist', 'libs', 'storage', 'src', 'migrate.cli.js')], {
    env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: databaseUrl, DOTENV: 'false' },
    timeout: 60_000,
  });
}
