import { startEmulator } from './binance-emulator';
import type { EmulatorOptions } from './emulator.options';
import { createDefaultMarket } from './market/default-market';

/** Mirrors Binance's stream port; set EMULATOR_PORT=0 for a free one (read it from the "listening" line). */
const DEFAULT_PORT = 9443;

type NumericEnv = [name: string, option: keyof EmulatorOptions, min: number];

const NUMERIC_ENV: NumericEnv[] = [
  ['EMULATOR_PORT', 'port', 0],
  ['EMULATOR_TRADES_PER_SECOND', 'tradesPerSecondPerSymbol', 0],
  ['EMULATOR_PING_INTERVAL_MS', 'pingIntervalMs', 1],
  ['EMULATOR_PONG_TIMEOUT_MS', 'pongTimeoutMs', 1],
  ['EMULATOR_CONNECTION_LIFETIME_MS', 'connectionLifetimeMs', 1],
  ['EMULATOR_MAX_INCOMING_PER_SECOND', 'maxIncomingPerSecond', 1],
  ['EMULATOR_HISTORY_LIMIT', 'historyLimitPerSymbol', 1],
  ['EMULATOR_REST_WEIGHT_LIMIT', 'restWeightLimitPerMinute', 1],
  ['EMULATOR_REST_LAG_MS', 'restLagMs', 0],
  ['EMULATOR_SEED', 'seed', 0],
  ['EMULATOR_ARCHIVE_TRADES_PER_DAY', 'archiveTradesPerDay', 1],
  ['EMULATOR_ARCHIVE_COMPRESSION_LEVEL', 'archiveCompressionLevel', 1],
];

/** The CLI is the emulator's only reader of process.env; every bad variable is reported at once. */
function optionsFromEnv(env: NodeJS.ProcessEnv): EmulatorOptions {
  const problems: string[] = [];
  const options: Record<string, unknown> = {
    port: DEFAULT_PORT,
    host: env['EMULATOR_HOST'] || '127.0.0.1',
    archiveBasePath: env['EMULATOR_ARCHIVE_BASE_PATH'] ?? '',
  };
  for (const [name, option, min] of NUMERIC_ENV) {
    const text = env[name];
    if (text === undefined || text === '') {
      continue;
    }
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) {
      problems.push(`${name}=${text} (expected a number >= ${min})`);
    } else {
      options[option] = value;
    }
  }
  const symbolCount = env['EMULATOR_SYMBOLS'];
  if (symbolCount !== undefined && symbolCount !== '') {
    const count = Number(symbolCount);
    if (!Number.isInteger(count) || count < 0) {
      problems.push(`EMULATOR_SYMBOLS=${symbolCount} (expected a non-negative integer)`);
    } else {
      options['symbols'] = createDefaultMarket({ generatedCount: count, seed: (options['seed'] as number | undefined) ?? 1 });
    }
  }
  if (problems.length > 0) {
    throw new Error(`invalid environment: ${problems.join(', ')}`);
  }
  return options as EmulatorOptions;
}

async function main(): Promise<void> {
  const emulator = await startEmulator(optionsFromEnv(process.env));
  const { port, wsBaseUrl, restBaseUrl, dataBaseUrl } = emulator;
  process.stdout.write(`${JSON.stringify({ event: 'listening', port, wsBaseUrl, restBaseUrl, dataBaseUrl })}\n`);
  const shutdown = (signal: NodeJS.Signals) => {
    emulator.close().then(
      () => {
        process.stdout.write(`${JSON.stringify({ event: 'closed', signal })}\n`);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ event: 'error', message: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(1);
});
