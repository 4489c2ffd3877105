import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { bool, cleanEnv, host, str, url, makeValidator, EnvError, EnvMissingError } from 'envalid';
import { hostname } from 'node:os';
import { AppConfig } from './app-config';

export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
  readonly code = 'INVALID_CONFIG';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

const positiveInt = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new EnvError(`must be a positive integer, got "${input}"`);
  }
  return value;
});

/** 0 asks the OS for a free port (tests); the service logs the port it got. */
const listenPort = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isInteger(value) || value < 0 || value > 65_535 || String(input).trim() === '') {
    throw new EnvError(`must be a TCP port number 0-65535, got "${input}"`);
  }
  return value;
});

/** Browser origins allowed to call the API: empty (none), `*` (any), or a comma-separated list of `scheme://host[:port]`. */
const corsOrigins = makeValidator<string[]>((input) => {
  const origins = input.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
  for (const origin of origins) {
    if (origin === '*') {
      continue;
    }
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = null;
    }
    if (parsed === null || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new EnvError(`must be * or comma-separated origins such as https://dashboard.example.com (no path), got "${origin}"`);
    }
  }
  if (origins.includes('*') && origins.length > 1) {
    throw new EnvError('must be * alone or a list of origins, not both');
  }
  return origins;
});

/** The shortest API key accepted: 16 characters from the base64url alphabet carry 96 bits. */
const MIN_API_KEY_LENGTH = 16;

/** Comma-separated keys, each at least MIN_API_KEY_LENGTH visible ASCII characters (no spaces or commas). */
const apiKeys = makeValidator<string[]>((input) => {
  const keys = input.split(',').map((key) => key.trim()).filter((key) => key !== '');
  keys.forEach((key, index) => {
    if (!/^[\x21-\x7e]+$/.test(key)) {
      throw new EnvError(`key ${index + 1} may hold only visible ASCII characters (no spaces)`);
    }
    if (key.length < MIN_API_KEY_LENGTH) {
      throw new EnvError(`key ${index + 1} is ${key.length} characters; use at least ${MIN_API_KEY_LENGTH} (e.g. openssl rand -base64 24)`);
    }
  });
  return [...new Set(keys)];
});

const nonNegativeInt = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isSafeInteger(value) || value < 0 || String(input).trim() === '') {
    throw new EnvError(`must be a non-negative integer, got "${input}"`);
  }
  return value;
});

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 };

/** `forever`, or a whole number and a unit: `90d`, `12h`, `2y` (365 days), `1w`, `30m`, `10s`, `500ms`. */
const retention = makeValidator<number | 'forever'>((input) => {
  if (input.trim() === 'forever') {
    return 'forever';
  }
  const match = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(input.trim());
  const value = match === null ? Number.NaN : Number(match[1]) * DURATION_UNITS_MS[match[2]];
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new EnvError(`must be "forever" or a positive duration such as 90d, 12h, 2y (y = 365 days), got "${input}"`);
  }
  return value;
});

/** A URL with one of `protocols`; `check` may add rules (and return the value to keep). */
function urlValidator(protocols: string[], example: string, check: (url: URL, input: string) => string = (_, input) => input) {
  return makeValidator<string>((input) => {
    let parsed: URL;
    try {
      parsed = new URL(input);
    } catch {
      throw new EnvError(`must be a URL like ${example}, got "${input}"`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new EnvError(`must be a ${protocols.map((protocol) => `${protocol}//`).join(' or ')} URL like ${example}, got "${input}"`);
    }
    return check(parsed, input);
  });
}

const postgresUrl = urlValidator(['postgresql:', 'postgres:'], 'postgresql://user@host:5432/db', (url, input) => {
  if (url.pathname.length < 2) {
    throw new EnvError(`must name a database (postgresql://user@host:5432/db), got "${input}"`);
  }
  return input;
});

const redisUrl = urlValidator(['redis:', 'rediss:'], 'redis://host:6379/0', (url, input) => {
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new EnvError(`database index must be a number (redis://host:6379/N), got "${db}"`);
  }
  return input;
});

const wsUrl = urlValidator(['ws:', 'wss:'], 'wss://stream.binance.com:9443', (_, input) => input.replace(/\/+$/, ''));

function readDotEnv(path: string): Record<string, string> {
  try {
    return parse(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return {};
    }
    throw error;
  }
}

const schema = {
  PORT: listenPort({ default: 3000 }),
  HOST: host({ default: '0.0.0.0' }),
  LOG_LEVEL: str({ choices: ['debug', 'info', 'warn', 'error'] as const, default: 'info' }),
  LOG_FORMAT: str({ choices: ['text', 'json'] as const, default: 'text' }),
  INSTANCE_ID: str({ default: '' }),
  SHUTDOWN_TIMEOUT_MS: positiveInt({ default: 10_000 }),
  DATABASE_URL: postgresUrl({ default: 'postgresql://postgres@127.0.0.1:5432/rates' }),
  DATABASE_POOL_SIZE: positiveInt({ default: 10 }),
  DATABASE_CONNECT_TIMEOUT_MS: positiveInt({ default: 5_000 }),
  DATABASE_STATEMENT_TIMEOUT_MS: positiveInt({ default: 10_000 }),
  DATABASE_CALL_TIMEOUT_MS: positiveInt({ default: 15_000 }),
  REDIS_URL: redisUrl({ default: 'redis://127.0.0.1:6379' }),
  REDIS_KEY_PREFIX: str({ default: 'rates:' }),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt({ default: 3_000 }),
  BINANCE_WS_URL: wsUrl({ default: 'wss://stream.binance.com:9443' }),
  BINANCE_REST_URL: url({ default: 'https://api.binance.com' }),
  BINANCE_DATA_URL: url({ default: 'https://data.binance.vision' }),
  EXCHANGE_INFO_TTL_MS: positiveInt({ default: 60_000 }),
  STREAMS_PER_CONNECTION: positiveInt({ default: 200 }),
  STREAM_PING_AFTER_IDLE_MS: positiveInt({ default: 5_000 }),
  STREAM_DEAD_AFTER_IDLE_MS: positiveInt({ default: 10_000 }),
  STREAM_RENEW_AFTER_MS: positiveInt({ default: 23 * 60 * 60 * 1000 }),
  REST_WEIGHT_BUDGET_PER_MINUTE: positiveInt({ default: 3_000 }),
  FLUSH_INTERVAL_MS: positiveInt({ default: 100 }),
  HISTORY_WRITERS: positiveInt({ default: 2 }),
  HISTORY_BATCH_SIZE: positiveInt({ default: 5_000 }),
  MAX_PENDING_TRADES: positiveInt({ default: 500_000 }),
  HISTORY_COMPACT_AFTER_MS: positiveInt({ default: 15 * 60 * 1000 }),
  HISTORY_RETENTION: retention({ default: 'forever' }),
  BACKFILL_WINDOW_MS: positiveInt({ default: 24 * 60 * 60 * 1000 }),
  BACKFILL_WAIT_FOR_REST_MS: positiveInt({ default: 10_000 }),
  BACKFILL_ARCHIVE_MIN_TRADES: positiveInt({ default: 1_000_000 }),
  PRICE_PUSH_INTERVAL_MS: positiveInt({ default: 100 }),
  PRICE_PUSH_MAX_CLIENTS: positiveInt({ default: 1_000 }),
  CORS_ORIGINS: corsOrigins({ default: [] }),
  API_KEYS: apiKeys({ default: [] }),
  CANDLES_TIMEOUT_MS: positiveInt({ default: 10_000 }),
  CANDLES_CONCURRENCY: positiveInt({ default: 2 }),
  CANDLES_RETENTION: retention({ default: 'forever' }),
  HISTORY_READ_CONCURRENCY: positiveInt({ default: 3 }),
  RATE_LIMIT_PER_SECOND: nonNegativeInt({ default: 100 }),
  RATE_LIMIT_BURST: positiveInt({ default: 200 }),
  PRICE_PUSH_MAX_FOLLOWS: positiveInt({ default: 10_000 }),
  BINANCE_API_AUTO_TRACK: bool({ default: false }),
  BINANCE_API_WEIGHT_PER_MINUTE: positiveInt({ default: 60_000 }),
  BINANCE_API_MAX_CONNECTIONS: positiveInt({ default: 5_000 }),
  BINANCE_API_PING_INTERVAL_MS: positiveInt({ default: 20_000 }),
  BINANCE_API_PONG_TIMEOUT_MS: positiveInt({ default: 60_000 }),
  BINANCE_API_MAX_BUFFERED_BYTES: positiveInt({ default: 1024 * 1024 }),
  LEASE_TTL_MS: positiveInt({ default: 6_000 }),
  LEASE_RENEW_MS: positiveInt({ default: 1_500 }),
  FAIR_SHARE_SLACK: nonNegativeInt({ default: 1 }),
  HANDOVER_GRACE_MS: nonNegativeInt({ default: 3_000 }),
  DOTENV: bool({ default: true }),
};

/**
 * Validates the environment once. Process env wins over `.env` in the working directory. Every bad variable is
 * reported together, by name, so a misconfigured deployment fails at boot with one readable message.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  dotEnvPath = '.env',
): AppConfig {
  const merged = env['DOTENV'] === 'false' ? { ...env } : { ...readDotEnv(dotEnvPath), ...env };
  const problems: string[] = [];
  const clean = cleanEnv(merged, schema, {
    reporter: ({ errors }) => {
      for (const [name, error] of Object.entries(errors)) {
        const reason = error instanceof EnvMissingError ? 'is required' : (error?.message ?? 'is invalid');
        problems.push(`${name}: ${reason}`);
      }
    },
  });
  if (problems.length > 0) {
    throw new InvalidConfigError(problems);
  }
  if (clean.STREAM_DEAD_AFTER_IDLE_MS <= clean.STREAM_PING_AFTER_IDLE_MS) {
    problems.push('STREAM_DEAD_AFTER_IDLE_MS: must be greater than STREAM_PING_AFTER_IDLE_MS');
  }
  if (clean.HISTORY_WRITERS + 2 > clean.DATABASE_POOL_SIZE) {
    problems.push('HISTORY_WRITERS: must leave at least 2 of DATABASE_POOL_SIZE connections for reads and other writes');
  }
  if (clean.HISTORY_WRITERS + clean.CANDLES_CONCURRENCY + 1 > clean.DATABASE_POOL_SIZE) {
    problems.push('CANDLES_CONCURRENCY: with HISTORY_WRITERS it must leave at least 1 of DATABASE_POOL_SIZE connections for everything else');
  } else if (clean.HISTORY_WRITERS + clean.CANDLES_CONCURRENCY + clean.HISTORY_READ_CONCURRENCY + 1 > clean.DATABASE_POOL_SIZE) {
    problems.push(
      'HISTORY_READ_CONCURRENCY: with HISTORY_WRITERS and CANDLES_CONCURRENCY it must leave at least 1 of DATABASE_POOL_SIZE connections for everything else',
    );
  }
  if (clean.DATABASE_CALL_TIMEOUT_MS <= clean.DATABASE_STATEMENT_TIMEOUT_MS) {
    problems.push('DATABASE_CALL_TIMEOUT_MS: must be greater than DATABASE_STATEMENT_TIMEOUT_MS, so PostgreSQL cancels a slow statement before the connection is given up');
  }
  if (clean.LEASE_RENEW_MS * 2 > clean.LEASE_TTL_MS) {
    problems.push('LEASE_RENEW_MS: must be at most half of LEASE_TTL_MS, so one missed renewal does not lose the lease');
  }
  if (clean.REST_WEIGHT_BUDGET_PER_MINUTE > 6_000) {
    problems.push('REST_WEIGHT_BUDGET_PER_MINUTE: Binance allows at most 6000 per minute per IP');
  }
  if (problems.length > 0) {
    throw new InvalidConfigError(problems);
  }
  if (clean.STREAMS_PER_CONNECTION > 1024) {
    throw new InvalidConfigError([
      `STREAMS_PER_CONNECTION: Binance allows at most 1024 streams per connection, got ${clean.STREAMS_PER_CONNECTION}`,
    ]);
  }
  return Object.freeze({
    port: clean.PORT,
    host: clean.HOST,
    logLevel: clean.LOG_LEVEL,
    logFormat: clean.LOG_FORMAT,
    instanceId: clean.INSTANCE_ID || `${hostname()}-${process.pid}`,
    shutdownTimeoutMs: clean.SHUTDOWN_TIMEOUT_MS,
    corsOrigins: Object.freeze([...clean.CORS_ORIGINS]),
    apiKeys: Object.freeze([...clean.API_KEYS]),
    candles: Object.freeze({ timeoutMs: clean.CANDLES_TIMEOUT_MS, concurrency: clean.CANDLES_CONCURRENCY, retentionMs: clean.CANDLES_RETENTION === 'forever' ? null : clean.CANDLES_RETENTION }),
    historyReads: Object.freeze({ concurrency: clean.HISTORY_READ_CONCURRENCY }),
    rateLimit: Object.freeze({ perSecond: clean.RATE_LIMIT_PER_SECOND, burst: clean.RATE_LIMIT_BURST }),
    pricePush: Object.freeze({ maxFollows: clean.PRICE_PUSH_MAX_FOLLOWS }),
    binanceApi: Object.freeze({
      autoTrack: clean.BINANCE_API_AUTO_TRACK,
      weightPerMinute: clean.BINANCE_API_WEIGHT_PER_MINUTE,
      maxConnections: clean.BINANCE_API_MAX_CONNECTIONS,
      pingIntervalMs: clean.BINANCE_API_PING_INTERVAL_MS,
      pongTimeoutMs: clean.BINANCE_API_PONG_TIMEOUT_MS,
      maxBufferedBytes: clean.BINANCE_API_MAX_BUFFERED_BYTES,
    }),
    database: Object.freeze({
      url: clean.DATABASE_URL,
      poolSize: clean.DATABASE_POOL_SIZE,
      connectTimeoutMs: clean.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: clean.DATABASE_STATEMENT_TIMEOUT_MS,
      callTimeoutMs: clean.DATABASE_CALL_TIMEOUT_MS,
    }),
    redis: Object.freeze({ url: clean.REDIS_URL, keyPrefix: clean.REDIS_KEY_PREFIX, commandTimeoutMs: clean.REDIS_COMMAND_TIMEOUT_MS }),
    binance: Object.freeze({
      wsUrl: clean.BINANCE_WS_URL,
      restUrl: clean.BINANCE_REST_URL.replace(/\/+$/, ''),
      dataUrl: clean.BINANCE_DATA_URL.replace(/\/+$/, ''),
      exchangeInfoTtlMs: clean.EXCHANGE_INFO_TTL_MS,
      streamsPerConnection: clean.STREAMS_PER_CONNECTION,
      pingAfterIdleMs: clean.STREAM_PING_AFTER_IDLE_MS,
      deadAfterIdleMs: clean.STREAM_DEAD_AFTER_IDLE_MS,
      renewAfterMs: clean.STREAM_RENEW_AFTER_MS,
      restWeightBudgetPerMinute: clean.REST_WEIGHT_BUDGET_PER_MINUTE,
    }),
    cluster: Object.freeze({
      leaseTtlMs: clean.LEASE_TTL_MS,
      leaseRenewMs: clean.LEASE_RENEW_MS,
      fairShareSlack: clean.FAIR_SHARE_SLACK,
      handoverGraceMs: clean.HANDOVER_GRACE_MS,
    }),
    history: Object.freeze({ compactAfterMs: clean.HISTORY_COMPACT_AFTER_MS, retentionMs: clean.HISTORY_RETENTION === 'forever' ? null : clean.HISTORY_RETENTION }),
    ingest: Object.freeze({
      flushIntervalMs: clean.FLUSH_INTERVAL_MS,
      historyBatchSize: clean.HISTORY_BATCH_SIZE,
      historyWriters: clean.HISTORY_WRITERS,
      maxPendingTrades: clean.MAX_PENDING_TRADES,
      backfillWindowMs: clean.BACKFILL_WINDOW_MS,
      backfillWaitForRestMs: clean.BACKFILL_WAIT_FOR_REST_MS,
      backfillArchiveMinTrades: clean.BACKFILL_ARCHIVE_MIN_TRADES,
      pricePushIntervalMs: clean.PRICE_PUSH_INTERVAL_MS,
      pricePushMaxClients: clean.PRICE_PUSH_MAX_CLIENTS,
    }),
  });
}
