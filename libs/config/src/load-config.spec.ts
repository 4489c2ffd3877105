import { InvalidConfigError, loadConfig } from './load-config';

const noDotEnv = '/nonexistent/.env';

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    const config = loadConfig({}, noDotEnv);
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.database.url).toBe('postgresql://postgres@127.0.0.1:5432/rates');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.binance.wsUrl).toBe('wss://stream.binance.com:9443');
    expect(config.binance.restUrl).toBe('https://api.binance.com');
    expect(config.binance.dataUrl).toBe('https://data.binance.vision');
    expect(config.shutdownTimeoutMs).toBe(10_000);
    expect(config.ingest).toEqual({
      flushIntervalMs: 100,
      historyBatchSize: 5_000,
      historyWriters: 2,
      maxPendingTrades: 500_000,
      backfillWindowMs: 24 * 60 * 60 * 1000,
      backfillWaitForRestMs: 10_000,
      backfillArchiveMinTrades: 1_000_000,
      pricePushIntervalMs: 100,
      pricePushMaxClients: 1_000,
    });
  });

  it('takes the archive URL without a trailing slash and refuses one that is not a URL', () => {
    expect(loadConfig({ BINANCE_DATA_URL: 'http://127.0.0.1:9443/' }, noDotEnv).binance.dataUrl).toBe('http://127.0.0.1:9443');
    expect(() => loadConfig({ BINANCE_DATA_URL: 'data.binance.vision' }, noDotEnv)).toThrow(/BINANCE_DATA_URL/);
  });

  it('keeps history forever by default, compacts it after 15 minutes, and reads retention as a duration', () => {
    expect(loadConfig({}, noDotEnv).history).toEqual({ compactAfterMs: 15 * 60_000, retentionMs: null });
    expect(loadConfig({ HISTORY_RETENTION: '90d', HISTORY_COMPACT_AFTER_MS: '60000' }, noDotEnv).history).toEqual({
      compactAfterMs: 60_000,
      retentionMs: 90 * 86_400_000,
    });
    expect(loadConfig({ HISTORY_RETENTION: '2y' }, noDotEnv).history.retentionMs).toBe(2 * 365 * 86_400_000);
    expect(loadConfig({ HISTORY_RETENTION: 'forever' }, noDotEnv).history.retentionMs).toBeNull();
    for (const bad of ['90', '0d', '-1d', '1.5d', 'a year']) {
      expect(() => loadConfig({ HISTORY_RETENTION: bad }, noDotEnv)).toThrow(/HISTORY_RETENTION: must be "forever" or a positive duration/);
    }
  });

  it('takes a listen address and refuses one that is not an address or a host name', () => {
    expect(loadConfig({ HOST: '127.0.0.1' }, noDotEnv).host).toBe('127.0.0.1');
    expect(() => loadConfig({ HOST: 'not a host' }, noDotEnv)).toThrow(/HOST:/);
  });

  it('takes a shutdown timeout and refuses one that is not a positive number of milliseconds', () => {
    expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: '4000' }, noDotEnv).shutdownTimeoutMs).toBe(4_000);
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: '0' }, noDotEnv)).toThrow(/SHUTDOWN_TIMEOUT_MS: must be a positive integer/);
  });

  it('takes CORS origins: none by default, * alone, or a list of origins, and names a bad one', () => {
    expect(loadConfig({}, noDotEnv).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: '*' }, noDotEnv).corsOrigins).toEqual(['*']);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:8080,' }, noDotEnv).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:8080',
    ]);
    for (const bad of ['https://a.example/app', 'ftp://a.example', 'a.example', '*,https://a.example']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }, noDotEnv)).toThrow(/CORS_ORIGINS: must be/);
    }
  });

  it('takes API keys: none by default, a comma-separated list (duplicates once), and refuses a short or spaced key without echoing it', () => {
    expect(loadConfig({}, noDotEnv).apiKeys).toEqual([]);
    const first = 'k1-0123456789abcdef';
    const second = 'k2_ZYXWVUTSRQPONMLK/+=';
    expect(loadConfig({ API_KEYS: ` ${first}, ${second},${first},` }, noDotEnv).apiKeys).toEqual([first, second]);
    const short = () => loadConfig({ API_KEYS: `${first},tooShort1` }, noDotEnv);
    expect(short).toThrow(/API_KEYS: key 2 is 9 characters; use at least 16/);
    expect(short).not.toThrow(/tooShort1/);
    expect(() => loadConfig({ API_KEYS: 'sixteen chars and a space' }, noDotEnv)).toThrow(/API_KEYS: key 1 may hold only visible ASCII/);
  });

  it('logs as text by default or as JSON lines, and names a format it does not know', () => {
    expect(loadConfig({}, noDotEnv).logFormat).toBe('text');
    expect(loadConfig({ LOG_FORMAT: 'json' }, noDotEnv).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'logfmt' }, noDotEnv)).toThrow(/LOG_FORMAT/);
  });

  it('bounds candles queries in time and number, leaving database connections for the rest', () => {
    expect(loadConfig({}, noDotEnv).candles).toEqual({ timeoutMs: 10_000, concurrency: 2, retentionMs: null });
    expect(loadConfig({ CANDLES_TIMEOUT_MS: '2500', CANDLES_CONCURRENCY: '4' }, noDotEnv).candles).toMatchObject({ timeoutMs: 2_500, concurrency: 4 });
    expect(() => loadConfig({ CANDLES_CONCURRENCY: '8' }, noDotEnv)).toThrow(/CANDLES_CONCURRENCY: with HISTORY_WRITERS it must leave/);
    expect(() => loadConfig({ CANDLES_TIMEOUT_MS: '0' }, noDotEnv)).toThrow(/CANDLES_TIMEOUT_MS: must be a positive integer/);
  });

  it('keeps stored candles forever unless CANDLES_RETENTION says for how long', () => {
    expect(loadConfig({ CANDLES_RETENTION: 'forever' }, noDotEnv).candles.retentionMs).toBeNull();
    expect(loadConfig({ CANDLES_RETENTION: '365d' }, noDotEnv).candles.retentionMs).toBe(365 * 86_400_000);
    expect(loadConfig({ CANDLES_RETENTION: '48h' }, noDotEnv).candles.retentionMs).toBe(48 * 3_600_000);
    expect(loadConfig({ CANDLES_RETENTION: '1y' }, noDotEnv).candles.retentionMs).toBe(365 * 86_400_000);
    expect(() => loadConfig({ CANDLES_RETENTION: 'a year' }, noDotEnv)).toThrow(/CANDLES_RETENTION: must be "forever" or a positive duration/);
    expect(() => loadConfig({ CANDLES_RETENTION: '0d' }, noDotEnv)).toThrow(/CANDLES_RETENTION/);
  });

  it('bounds trade pages and gap reads in number, leaving database connections for history writes', () => {
    expect(loadConfig({}, noDotEnv).historyReads).toEqual({ concurrency: 3 });
    expect(loadConfig({ HISTORY_READ_CONCURRENCY: '5' }, noDotEnv).historyReads).toEqual({ concurrency: 5 });
    expect(() => loadConfig({ HISTORY_READ_CONCURRENCY: '6' }, noDotEnv)).toThrow(
      /HISTORY_READ_CONCURRENCY: with HISTORY_WRITERS and CANDLES_CONCURRENCY it must leave/,
    );
    expect(() => loadConfig({ HISTORY_READ_CONCURRENCY: '0' }, noDotEnv)).toThrow(/HISTORY_READ_CONCURRENCY: must be a positive integer/);
  });

  it('limits requests per client: 100 per second in bursts of 200 by default, 0 turns it off, and names a bad value', () => {
    expect(loadConfig({}, noDotEnv).rateLimit).toEqual({ perSecond: 100, burst: 200 });
    expect(loadConfig({ RATE_LIMIT_PER_SECOND: '0' }, noDotEnv).rateLimit.perSecond).toBe(0);
    expect(loadConfig({ RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '20' }, noDotEnv).rateLimit).toEqual({ perSecond: 5, burst: 20 });
    expect(() => loadConfig({ RATE_LIMIT_PER_SECOND: '-1' }, noDotEnv)).toThrow(/RATE_LIMIT_PER_SECOND: must be a non-negative integer/);
    expect(() => loadConfig({ RATE_LIMIT_BURST: '0' }, noDotEnv)).toThrow(/RATE_LIMIT_BURST: must be a positive integer/);
  });

  it('budgets the live push in followed symbols per round, 10000 by default', () => {
    expect(loadConfig({}, noDotEnv).pricePush).toEqual({ maxFollows: 10_000 });
    expect(loadConfig({ PRICE_PUSH_MAX_FOLLOWS: '50' }, noDotEnv).pricePush).toEqual({ maxFollows: 50 });
    expect(() => loadConfig({ PRICE_PUSH_MAX_FOLLOWS: 'many' }, noDotEnv)).toThrow(/PRICE_PUSH_MAX_FOLLOWS: must be a positive integer/);
  });

  it('bounds every wait on PostgreSQL and Redis, and lets the server cancel a slow statement before the client gives up', () => {
    const config = loadConfig({}, noDotEnv);
    expect(config.database).toMatchObject({ connectTimeoutMs: 5_000, statementTimeoutMs: 10_000, callTimeoutMs: 15_000 });
    expect(config.redis.commandTimeoutMs).toBe(3_000);
    expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '200', DATABASE_CALL_TIMEOUT_MS: '400' }, noDotEnv).database).toMatchObject({
      statementTimeoutMs: 200,
      callTimeoutMs: 400,
    });
    expect(() => loadConfig({ DATABASE_CALL_TIMEOUT_MS: '10000' }, noDotEnv)).toThrow(/DATABASE_CALL_TIMEOUT_MS: must be greater than DATABASE_STATEMENT_TIMEOUT_MS/);
    expect(() => loadConfig({ REDIS_COMMAND_TIMEOUT_MS: '0' }, noDotEnv)).toThrow(/REDIS_COMMAND_TIMEOUT_MS: must be a positive integer/);
  });

  it('accepts a Redis database index', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/5' }, noDotEnv).redis.url).toBe('redis://127.0.0.1:6379/5');
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x/y', REDIS_URL: 'redis://h:1/zz', BINANCE_WS_URL: 'http://x' }, noDotEnv);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'BINANCE_WS_URL']) {
      expect(message).toContain(name);
    }
  });

  it('rejects more streams per connection than Binance allows', () => {
    expect(() => loadConfig({ STREAMS_PER_CONNECTION: '2000' }, noDotEnv)).toThrow(/STREAMS_PER_CONNECTION/);
  });

  it('lets process env win over the .env file', () => {
    const { writeFileSync, mkdtempSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const dir = mkdtempSync('/tmp/cfg-');
    writeFileSync(`${dir}/.env`, 'PORT=4000\nLOG_LEVEL=warn\n');
    const config = loadConfig({ PORT: '5000' }, `${dir}/.env`);
    expect(config.port).toBe(5000);
    expect(config.logLevel).toBe('warn');
  });
});
