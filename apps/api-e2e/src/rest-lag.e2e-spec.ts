import { Client } from 'pg';
import { BinanceEmulator, createDefaultMarket, startEmulator } from '@binance-rates/emulator';
import { TestDatabase, cleanupRedisPrefix, createTestDatabase, sleep, testRedisPrefix, testRedisUrl, waitFor, STORED_TRADE_IDS } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';
import { serviceEnv } from './support/service-env';

const SYMBOL_COUNT = 20;
const TRADES_PER_SECOND = 10;
/** Stream drops in each phase, one every DROP_EVERY_MS: each leaves a gap in the live ids that REST has to fill. */
const DROPS = 3;
const DROP_EVERY_MS = 2_000;
/** Longer than the service's wait for REST to reach a fill's target (BACKFILL_WAIT_FOR_REST_MS, 10 s) and its retries. */
const SETTLE_MS = 14_000;

interface Figures {
  trades: number;
  lost: number;
  silentlyMissing: number;
}

function report(line: string): void {
  process.stdout.write(`[rest-lag] ${line}\n`);
}

/**
 * Binance's REST trails its stream: with the emulator's REST behind by 0.2, 0.5 and 2 s and stream drops forcing
 * REST fills, no trade may be lost and none may go missing without an open gap saying so.
 */
describe('REST trailing the stream (built service + emulator with REST lag + real PostgreSQL and Redis)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let service: ServiceProcess;
  let sql: Client;
  let symbols: string[];
  const prefix = testRedisPrefix();

  const lastIds = () => new Map(symbols.map((symbol) => [symbol, emulator.lastTradeId(symbol) as number]));

  /** Trades of (from, to] per symbol not stored, and of those, the ones no open trade_gap covers. */
  async function missing(from: Map<string, number>, to: Map<string, number>): Promise<Figures> {
    const stored = await sql.query<{ symbol: string; trade_id: string }>(
      `SELECT t.symbol, t.trade_id FROM ${STORED_TRADE_IDS} AS t
         JOIN unnest($1::text[], $2::bigint[], $3::bigint[]) AS w(symbol, after_id, to_id) ON t.symbol = w.symbol
        WHERE t.trade_id > w.after_id AND t.trade_id <= w.to_id`,
      [symbols, symbols.map((symbol) => from.get(symbol)), symbols.map((symbol) => to.get(symbol))],
    );
    const open = await sql.query<{ symbol: string; from_id: string; to_id: string | null }>(
      'SELECT symbol, from_id, to_id FROM trade_gap WHERE resolved_at IS NULL',
    );
    const storedIds = new Set(stored.rows.map((row) => `${row.symbol}:${row.trade_id}`));
    const figures: Figures = { trades: 0, lost: 0, silentlyMissing: 0 };
    for (const symbol of symbols) {
      const gaps = open.rows.filter((gap) => gap.symbol === symbol);
      for (let id = (from.get(symbol) as number) + 1; id <= (to.get(symbol) as number); id += 1) {
        figures.trades += 1;
        if (storedIds.has(`${symbol}:${id}`)) continue;
        figures.lost += 1;
        if (!gaps.some((gap) => Number(gap.from_id) <= id && (gap.to_id === null || id <= Number(gap.to_id)))) {
          figures.silentlyMissing += 1;
        }
      }
    }
    return figures;
  }

  beforeAll(async () => {
    const market = createDefaultMarket({ generatedCount: 0, seed: 31 }).filter((spec) => spec.status === 'TRADING');
    emulator = await startEmulator({ port: 0, symbols: market, tradesPerSecondPerSymbol: TRADES_PER_SECOND, seed: 31, restWeightLimitPerMinute: 100_000 });
    symbols = market.slice(0, SYMBOL_COUNT).map((spec) => spec.symbol);
    database = await createTestDatabase();
    sql = new Client({ connectionString: database.url });
    await sql.connect();
    await sql.query('INSERT INTO tracked_symbol (symbol) SELECT unnest($1::text[])', [symbols]);
    service = await startService({
      ...serviceEnv({ databaseUrl: database.url, redisKeyPrefix: prefix, emulator }),
      STREAMS_PER_CONNECTION: '5',
      REST_WEIGHT_BUDGET_PER_MINUTE: '6000',
      LOG_LEVEL: 'warn',
    });
    const storedOf = async () => (await sql.query(`SELECT DISTINCT symbol FROM ${STORED_TRADE_IDS} AS stored`)).rowCount;
    await waitFor(async () => (await storedOf()) === SYMBOL_COUNT, { timeoutMs: 15_000, intervalMs: 100, what: 'every symbol storing live trades' });
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await sql?.end();
    await emulator?.close();
    await database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  it.each([200, 500, 2_000])(
    'with REST %i ms behind the stream and the stream dropped, no trade is lost and none goes missing unrecorded',
    async (lagMs) => {
      emulator.setRestLag(lagMs);
      await sleep(500);
      const from = lastIds();
      for (let drop = 0; drop < DROPS; drop += 1) {
        await sleep(DROP_EVERY_MS);
        emulator.dropAllConnections();
      }
      await sleep(DROP_EVERY_MS);
      const to = lastIds();
      const startedAt = Date.now();
      let figures = await missing(from, to);
      while (figures.lost > 0 && Date.now() - startedAt < SETTLE_MS) {
        await sleep(250);
        figures = await missing(from, to);
      }
      report(
        `REST ${lagMs} ms behind, ${SYMBOL_COUNT} symbols at ${TRADES_PER_SECOND}/s, ${DROPS} stream drops: ${figures.trades} trades, ` +
          `lost ${figures.lost}, silently missing ${figures.silentlyMissing} (history complete ${Date.now() - startedAt} ms after the phase)`,
      );
      expect(figures.silentlyMissing).toBe(0);
      expect(figures.lost).toBe(0);
    },
    40_000,
  );
});
