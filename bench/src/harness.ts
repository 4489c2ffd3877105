import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig } from './bench.config';
import { BenchDatabase } from './clients/bench-database';
import { EmulatorClient } from './clients/emulator.client';
import { ServiceClient } from './clients/service.client';
import { ManagedProcess } from './infra/managed-process';

export interface EmulatorHandle {
  process: ManagedProcess;
  client: EmulatorClient;
  wsBaseUrl: string;
  restBaseUrl: string;
}

export interface ServiceHandle {
  label: string;
  process: ManagedProcess;
  client: ServiceClient;
  database: BenchDatabase;
  redisPrefix: string;
  /** The file --cpu-prof writes when the service exits, if profiling. */
  profileFile: string | null;
}

/** The emulator runs as its own process: on a 2-core machine it must not share an event loop with anything. */
export async function startEmulator(config: BenchConfig, generatedSymbols: number): Promise<EmulatorHandle> {
  const { process: managed, match } = await ManagedProcess.start({
    name: 'emulator',
    script: join(config.rootDir, 'dist/apps/binance-emulator/src/main.js'),
    cwd: config.rootDir,
    env: {
      ...process.env,
      EMULATOR_PORT: '0',
      EMULATOR_TRADES_PER_SECOND: '0',
      EMULATOR_SYMBOLS: String(generatedSymbols),
      EMULATOR_HISTORY_LIMIT: '100000',
      // The archive's density; the live ids of every symbol continue its last day, so it moves them too.
      EMULATOR_ARCHIVE_TRADES_PER_DAY: String(config.importTradesPerDay),
    },
    readyPattern: /^\{"event":"listening".*\}$/,
  });
  const { wsBaseUrl, restBaseUrl } = JSON.parse(match[0]) as { wsBaseUrl: string; restBaseUrl: string };
  return { process: managed, client: new EmulatorClient(restBaseUrl), wsBaseUrl, restBaseUrl };
}

export interface StartServiceParams {
  label: string;
  emulator: EmulatorHandle;
  database: BenchDatabase;
  redisPrefix: string;
}

/** One service instance on its own fresh database and Redis key prefix; PORT=0, the port is read from stdout. */
export async function startService(
  config: BenchConfig,
  { label, emulator, database, redisPrefix }: StartServiceParams,
): Promise<ServiceHandle> {
  const profileDir = config.profile ? join(config.resultsDir, 'profiles') : null;
  const profileName = `service-${label}-${config.runId}.cpuprofile`;
  // The node flags of `npm start` (README "Memory").
  const nodeFlags = ['--max-semi-space-size=8'];
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${profileName}`);
  }
  const { process: managed, match } = await ManagedProcess.start({
    name: `service ${label}`,
    script: join(config.rootDir, 'dist/apps/api/src/main.js'),
    nodeFlags,
    cwd: config.rootDir,
    env: {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      DOTENV: 'false',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      REDIS_URL: config.redisUrl,
      REDIS_KEY_PREFIX: redisPrefix,
      BINANCE_WS_URL: emulator.wsBaseUrl,
      BINANCE_REST_URL: emulator.restBaseUrl,
      BINANCE_DATA_URL: emulator.restBaseUrl,
      // Every bench client connects from 127.0.0.1, far faster than a client may: a limit per client no phase reaches,
      // left on so that the reads phase measures the limiter's cost on every request.
      RATE_LIMIT_PER_SECOND: '1000000000',
      RATE_LIMIT_BURST: '1000000000',
      ...config.serviceEnv,
    },
    readyPattern: /listening on http:\/\/[^:]+:(\d+)/,
    timeoutMs: 60_000,
  });
  const client = new ServiceClient(`http://127.0.0.1:${match[1]}`);
  return { label, process: managed, client, database, redisPrefix, profileFile: profileDir && join(profileDir, profileName) };
}
