import { resolve } from 'node:path';

export type PhaseName = 'ingest' | 'freshness' | 'reads' | 'push' | 'fanout' | 'peer' | 'scale' | 'import' | 'history';

const PHASES: readonly PhaseName[] = ['ingest', 'freshness', 'reads', 'push', 'fanout', 'peer', 'scale', 'import', 'history'];

/** Service variables a benchmark run may override (tuning experiments); anything else is set by the bench. */
const SERVICE_PASSTHROUGH = [
  'FLUSH_INTERVAL_MS',
  'HISTORY_BATCH_SIZE',
  'HISTORY_WRITERS',
  'MAX_PENDING_TRADES',
  'STREAMS_PER_CONNECTION',
  'DATABASE_POOL_SIZE',
] as const;

export interface BenchConfig {
  rootDir: string;
  resultsDir: string;
  quick: boolean;
  phases: ReadonlySet<PhaseName>;
  /** Symbols tracked in the ingest, freshness and peer phases. */
  symbols: number;
  /** Offered aggTrades/s over all symbols, one ingest step each. */
  rates: number[];
  freshnessRates: number[];
  warmupSeconds: number;
  ingestSeconds: number;
  freshnessSeconds: number;
  freshnessSymbols: number;
  readsSeconds: number;
  readsConnections: number;
  readsRounds: number;
  /** Live push: offered aggTrades/s while it runs, client counts (one step each), symbols each client follows. */
  pushRate: number;
  pushClients: number[];
  pushSymbolsPerClient: number;
  pushSeconds: number;
  /** Binance-protocol stream fan-out: offered aggTrades/s, client counts (one step each), symbols each client follows. */
  fanoutRate: number;
  fanoutClients: number[];
  fanoutSymbolsPerClient: number;
  fanoutSeconds: number;
  peerSeconds: number;
  scaleSymbols: number;
  scaleRatePerSymbol: number;
  scaleSeconds: number;
  scaleAddConcurrency: number;
  drainTimeoutSeconds: number;
  /**
   * History import from the emulator's archive: the symbol and UTC days (a whole month: its monthly file), trades per
   * archived day (the emulator's density for every symbol), the live load meanwhile, how long freshness is measured
   * idle and during the import, and whether the archive's files are generated before the clock starts (`warm`, as S3
   * serves files that exist) or while the import asks for them (the emulator's generation then shares the cores).
   */
  importSymbol: string;
  importFrom: string;
  importTo: string;
  importTradesPerDay: number;
  importLiveRate: number;
  importFreshnessSeconds: number;
  importWarm: boolean;
  /** Stored history: days of one symbol written as blocks, trades per day, reads per figure. */
  historyDays: number;
  historyTradesPerDay: number;
  historyReads: number;
  profile: boolean;
  /** postgresql://user@host:port, without a database; each run creates and drops its own databases. */
  postgresUrl: string;
  redisUrl: string;
  serviceEnv: Record<string, string>;
  runId: string;
}

export class InvalidBenchConfigError extends Error {
  override readonly name = 'InvalidBenchConfigError';
}

/** The bench's only reader of process.env. BENCH_QUICK=1 shortens every phase for smoke checks. */
export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const problems: string[] = [];
  const quick = env['BENCH_QUICK'] === '1' || env['BENCH_QUICK'] === 'true';
  const number = (name: string, normal: number, quickValue = normal, min = 0): number => {
    const text = env[name];
    if (text === undefined || text === '') {
      return quick ? quickValue : normal;
    }
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) {
      problems.push(`${name}=${text} (expected a number >= ${min})`);
      return normal;
    }
    return value;
  };
  const list = (name: string, normal: number[]): number[] => {
    const text = env[name];
    if (text === undefined || text === '') {
      return normal;
    }
    const values = text.split(',').map((part) => Number(part.trim()));
    if (values.some((value) => !Number.isFinite(value) || value <= 0)) {
      problems.push(`${name}=${text} (expected comma-separated positive numbers)`);
      return normal;
    }
    return values;
  };
  const phasesText = env['BENCH_PHASES'];
  const phases = new Set<PhaseName>(
    phasesText ? (phasesText.split(',').map((part) => part.trim()) as PhaseName[]) : PHASES,
  );
  for (const phase of phases) {
    if (!PHASES.includes(phase)) {
      problems.push(`BENCH_PHASES: unknown phase "${phase}" (known: ${PHASES.join(', ')})`);
    }
  }
  const ingestSeconds = number('BENCH_SECONDS', 20, 4, 1);
  const rootDir = resolve(__dirname, '../../..');
  const serviceEnv: Record<string, string> = {};
  for (const name of SERVICE_PASSTHROUGH) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      serviceEnv[name] = value;
    }
  }
  const config: BenchConfig = {
    rootDir,
    resultsDir: resolve(rootDir, env['BENCH_RESULTS_DIR'] || 'bench/results'),
    quick,
    phases,
    symbols: number('BENCH_SYMBOLS', 200, 200, 4),
    rates: list('BENCH_RATES', [10_000, 50_000, 100_000]),
    freshnessRates: list('BENCH_FRESHNESS_RATES', [10_000, 50_000]),
    warmupSeconds: number('BENCH_WARMUP_SECONDS', 2, 1),
    ingestSeconds,
    freshnessSeconds: number('BENCH_FRESHNESS_SECONDS', 10, 3, 1),
    freshnessSymbols: number('BENCH_FRESHNESS_SYMBOLS', 4, 4, 1),
    readsSeconds: number('BENCH_READS_SECONDS', 10, 3, 1),
    readsConnections: number('BENCH_READS_CONNECTIONS', 50, 50, 1),
    readsRounds: number('BENCH_READS_ROUNDS', 2, 1, 1),
    pushRate: number('BENCH_PUSH_RATE', 10_000, 10_000, 1),
    pushClients: list('BENCH_PUSH_CLIENTS', [100, 1_000]),
    pushSymbolsPerClient: number('BENCH_PUSH_SYMBOLS_PER_CLIENT', 5, 5, 1),
    pushSeconds: number('BENCH_PUSH_SECONDS', 10, 3, 1),
    fanoutRate: number('BENCH_FANOUT_RATE', 10_000, 10_000, 1),
    fanoutClients: list('BENCH_FANOUT_CLIENTS', [100, 1_000]),
    fanoutSymbolsPerClient: number('BENCH_FANOUT_SYMBOLS_PER_CLIENT', 5, 5, 1),
    fanoutSeconds: number('BENCH_FANOUT_SECONDS', 10, 3, 1),
    peerSeconds: number('BENCH_PEER_SECONDS', 15, 3, 1),
    scaleSymbols: number('BENCH_SCALE_SYMBOLS', 2_000, 2_000, 1),
    scaleRatePerSymbol: number('BENCH_SCALE_RATE_PER_SYMBOL', 2, 2),
    scaleSeconds: number('BENCH_SCALE_SECONDS', 10, 3, 1),
    scaleAddConcurrency: number('BENCH_SCALE_CONCURRENCY', 16, 16, 1),
    drainTimeoutSeconds: number('BENCH_DRAIN_TIMEOUT_SECONDS', 60, 20, 1),
    importSymbol: 'BTCUSDT',
    importFrom: env['BENCH_IMPORT_FROM'] || '2024-03-01',
    importTo: env['BENCH_IMPORT_TO'] || (quick ? '2024-03-02' : '2024-03-31'),
    importTradesPerDay: number('BENCH_IMPORT_TRADES_PER_DAY', 1_500_000, 1_500_000, 1),
    importLiveRate: number('BENCH_IMPORT_LIVE_RATE', 2_000, 2_000, 0),
    importFreshnessSeconds: number('BENCH_IMPORT_FRESHNESS_SECONDS', 15, 3, 1),
    importWarm: env['BENCH_IMPORT_WARM'] !== '0' && env['BENCH_IMPORT_WARM'] !== 'false',
    historyDays: number('BENCH_HISTORY_DAYS', 365, 30, 2),
    historyTradesPerDay: number('BENCH_HISTORY_TRADES_PER_DAY', 20_000, 5_000, 1_000),
    historyReads: number('BENCH_HISTORY_READS', 50, 10, 1),
    profile: env['BENCH_PROFILE'] === '1' || env['BENCH_PROFILE'] === 'true',
    postgresUrl: (env['BENCH_POSTGRES_URL'] || 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, ''),
    redisUrl: env['BENCH_REDIS_URL'] || 'redis://127.0.0.1:6379',
    serviceEnv,
    runId: `${Date.now().toString(36)}_${process.pid}`,
  };
  for (const name of ['BENCH_IMPORT_FROM', 'BENCH_IMPORT_TO'] as const) {
    const text = env[name];
    if (text !== undefined && text !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(text)) {
      problems.push(`${name}=${text} (expected a UTC day YYYY-MM-DD)`);
    }
  }
  if (problems.length > 0) {
    throw new InvalidBenchConfigError(`invalid bench configuration:\n  ${problems.join('\n  ')}`);
  }
  return config;
}
