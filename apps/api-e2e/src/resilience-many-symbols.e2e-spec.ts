import { Client } from 'pg';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { TestDatabase, cleanupRedisPrefix, createTestDatabase, testRedisPrefix, testRedisUrl, waitFor, STORED_TRADE_IDS } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';
import { serviceEnv } from './support/service-env';

interface Currency {
  symbol: string;
  tradeId: number | null;
  streamLive: boolean | null;
}

interface Gap {
  fromId: number;
  toId: number | null;
  reason: string;
  attempts: number;
  lastError: string | null;
}

type HistoryRow = { symbol: string; count: string; min: string; max: string };

function report(line: string): void {
  process.stdout.write(`[resilience] ${line}\n`);
}

/** Fault injection at scale, and gaps that cannot be filled: see resilience.e2e-spec.ts for the single faults. */
describe('resilience with many symbols and with REST down (built service + emulator + real PostgreSQL and Redis)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let service: ServiceProcess;
  let sql: Client;
  let symbols: string[];
  let listeningAt = 0;
  const prefix = testRedisPrefix();

  async function currencies(): Promise<Currency[]> {
    return (await (await fetch(`${service.baseUrl}/api/currencies`)).json()) as Currency[];
  }

  async function history(): Promise<HistoryRow[]> {
    return (await sql.query<HistoryRow>(`SELECT symbol, count(*) AS count, min(trade_id) AS min, max(trade_id) AS max FROM ${STORED_TRADE_IDS} AS stored GROUP BY symbol`)).rows;
  }

  /** Every symbol stored up to the emulator's id of now, count == max - min + 1; returns ids missing (0 = none lost). */
  async function expectCompleteHistory(timeoutMs = 20_000): Promise<number> {
    const targets = new Map(symbols.map((symbol) => [symbol, emulator.lastTradeId(symbol) as number]));
    const complete = (row: HistoryRow | undefined, symbol: string): boolean =>
      !!row && Number(row.max) >= (targets.get(symbol) as number) && Number(row.count) === Number(row.max) - Number(row.min) + 1;
    let rows: HistoryRow[] = [];
    await waitFor(
      async () => {
        rows = await history();
        const bySymbol = new Map(rows.map((row) => [row.symbol, row]));
        return symbols.every((symbol) => complete(bySymbol.get(symbol), symbol));
      },
      { timeoutMs, intervalMs: 200, what: `complete, contiguous history for ${symbols.length} symbols` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${JSON.stringify(rows.filter((row) => !complete(row, row.symbol)).slice(0, 5))}`);
    });
    expect(emulator.controlMessageViolations()).toBe(0);
    return rows.reduce((missing, row) => missing + Number(row.max) - Number(row.min) + 1 - Number(row.count), 0);
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: 2, seed: 23, restWeightLimitPerMinute: 100_000 });
    symbols = Object.entries(emulator.stats().symbols)
      .filter(([, stats]) => stats.status === 'TRADING')
      .map(([symbol]) => symbol)
      .sort();
    database = await createTestDatabase();
    sql = new Client({ connectionString: database.url });
    await sql.connect();
    await sql.query('INSERT INTO tracked_symbol (symbol) SELECT unnest($1::text[])', [symbols]);
    service = await startService({
      ...serviceEnv({ databaseUrl: database.url, redisKeyPrefix: prefix, emulator }),
      STREAMS_PER_CONNECTION: '50',
      REST_WEIGHT_BUDGET_PER_MINUTE: '6000',
      LOG_LEVEL: 'warn',
    });
    listeningAt = Date.now();
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await sql?.end();
    await emulator?.close();
    await database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  it('(g) 300+ symbols over several connections subscribe, and resubscribe after a drop, without a 1008', async () => {
    expect(symbols.length).toBeGreaterThanOrEqual(300);
    const subscribedMs = await waitFor(
      async () => {
        const list = await currencies();
        return list.length === symbols.length && list.every((tracked) => tracked.streamLive === true) ? Date.now() : null;
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'every symbol live' },
    );
    const connections = emulator.connections();
    expect(connections).toHaveLength(Math.ceil(symbols.length / 50));
    expect(Math.max(...connections.map((connection) => connection.controlMessages))).toBe(1);

    const idsAtDrop = new Map(symbols.map((symbol) => [symbol, emulator.lastTradeId(symbol) ?? 0]));
    const droppedAt = Date.now();
    emulator.dropAllConnections();
    await waitFor(
      async () => {
        const list = await currencies();
        return list.every((tracked) => tracked.streamLive === true && (tracked.tradeId ?? 0) > (idsAtDrop.get(tracked.symbol) as number));
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'every symbol priced again after the drop' },
    );
    const recoveredMs = Date.now() - droppedAt;
    const resubscribed = emulator.connections();
    expect(resubscribed).toHaveLength(Math.ceil(symbols.length / 50));
    expect(Math.max(...resubscribed.map((connection) => connection.controlMessages))).toBe(1);
    const lost = await expectCompleteHistory();
    report(
      `${symbols.length} symbols on ${resubscribed.length} connections: every symbol live ${subscribedMs - listeningAt} ms after the ` +
        `service listened; after a drop every symbol priced again in ${recoveredMs} ms (each trades ~2/s); 1008 closes ${emulator.controlMessageViolations()}; trades lost ${lost}`,
    );
    expect(lost).toBe(0);
  });

  it('a gap that REST cannot fill is recorded durably, retried, and resolved once REST is back', async () => {
    const symbol = 'BTCUSDT';
    // Let the backfills of the previous test (one per symbol) finish first, so this gap is not queued behind them.
    let served = -1;
    await waitFor(
      async () => {
        const before = served;
        served = emulator.stats().restRequests;
        return served === before;
      },
      { timeoutMs: 20_000, intervalMs: 1_000, what: 'REST to go quiet' },
    );
    emulator.failRest(1_000, 500);
    emulator.dropAllConnections();
    // Traded while nobody is connected: a reconnect quicker than BTCUSDT's next trade would otherwise miss nothing.
    emulator.emitTrades(symbol, 3);
    const gap = await waitFor(
      async () =>
        (
          await sql.query<{ id: number; from_id: string; to_id: string | null; attempts: number; last_error: string }>(
            // Recorded when found (attempts 0), then counted as failed once REST answered 500.
            'SELECT id, from_id, to_id, attempts, last_error FROM trade_gap WHERE symbol = $1 AND resolved_at IS NULL AND attempts > 0',
            [symbol],
          )
        ).rows[0],
      { timeoutMs: 30_000, intervalMs: 200, what: 'an open gap row for BTCUSDT with a failed attempt' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${service.output().slice(-4000)}`);
    });
    expect(gap.attempts).toBeGreaterThanOrEqual(1);
    expect(gap.last_error).toMatch(/answered 500/);
    emulator.resetRestLimits();
    await waitFor(
      async () => (await sql.query('SELECT 1 FROM trade_gap WHERE resolved_at IS NULL')).rowCount === 0,
      // Due 30 s after their last failure, then found by a 5 s sweep and fetched one after another (~300 of them):
      // the bound leaves room for a slow machine; the test asserts that they resolve, not how fast.
      { timeoutMs: 80_000, intervalMs: 500, what: 'every recorded gap to be resolved' },
    ).catch(async (error: Error) => {
      const open = await sql.query('SELECT symbol, from_id, to_id, attempts, next_attempt_at, last_error FROM trade_gap WHERE resolved_at IS NULL LIMIT 5');
      throw new Error(`${error.message}\n${JSON.stringify(open.rows)}\n${service.output().slice(-3000)}`);
    });
    expect(await expectCompleteHistory()).toBe(0);
  }, 150_000);

  it('lists the open gaps of a symbol over GET /api/currency/{symbol}/gaps', async () => {
    emulator.failRest(1_000, 500);
    emulator.dropAllConnections();
    emulator.emitTrades('BTCUSDT', 3);
    const gaps = await waitFor(
      async () => {
        const response = await fetch(`${service.baseUrl}/api/currency/btcusdt/gaps`);
        expect(response.status).toBe(200);
        const body = (await response.json()) as Gap[];
        return body.some((gap) => gap.attempts > 0) ? body.filter((gap) => gap.attempts > 0) : null;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'an open gap with a failed attempt over the API' },
    );
    expect(gaps[0]).toEqual(
      expect.objectContaining({
        fromId: expect.any(Number),
        reason: expect.any(String),
        attempts: expect.any(Number),
        lastError: expect.stringMatching(/500/),
        fillSource: 'rest',
        importId: null,
      }),
    );
    expect((await fetch(`${service.baseUrl}/api/currency/NOSUCHSYMBOL/gaps`)).status).toBe(404);
    emulator.resetRestLimits();
  });
});
