import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { TcpProxy, TestDatabase, cleanupRedisPrefix, createEmptyDatabase, testRedisPrefix, testRedisUrl } from '@binance-rates/testing';
import { ServiceProcess, startService } from './service-process';
import { serviceEnv } from './service-env';

export interface DashboardStack {
  emulator: BinanceEmulator;
  service: ServiceProcess;
  /** The service's database, for a test that stores history the service did not stream. */
  databaseUrl: string;
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
export async function startDashboardStack({ tradesPerSecond, env = {} }: { tradesPerSecond: number; env?: Record<string, string> }): Promise<DashboardStack> {
  const prefix = testRedisPrefix();
  const emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: tradesPerSecond, seed: 11 });
  let database: TestDatabase | undefined;
  let service: ServiceProcess | undefined;
  try {
    database = await createEmptyDatabase();
    service = await startService({ ...serviceEnv({ databaseUrl: database.url, redisKeyPrefix: prefix, emulator }), ...env });
    const { proxy, url } = await TcpProxy.inFrontOf(service.baseUrl);
    const started = service;
    const createdDatabase = database;
    return {
      emulator,
      service: started,
      databaseUrl: createdDatabase.url,
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
