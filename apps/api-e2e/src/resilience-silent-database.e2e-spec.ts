import { Client } from 'pg';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { TcpProxy, TestDatabase, cleanupRedisPrefix, createTestDatabase, sleep, testRedisPrefix, testRedisUrl, waitFor, STORED_TRADE_IDS } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';
import { serviceEnv } from './support/service-env';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'C001USDT', 'C002USDT'];
/** The target: history written again within 30 s of every open connection going silent. */
const WRITING_AGAIN_TARGET_MS = 30_000;

interface StoredSpan {
  symbol: string;
  count: string;
  min: string;
  max: string;
}

function report(line: string): void {
  process.stdout.write(`[resilience] ${line}\n`);
}

/**
 * Every PostgreSQL connection the service has open goes silent at once (a managed database failing over, a NAT or
 * firewall dropping its state): no reset, nothing delivered, while new connections work. The service runs with its
 * default timings; its history must be written again by itself, within the target, with nothing lost.
 */
describe('PostgreSQL connections go silent (built service + emulator + real PostgreSQL behind a proxy, real Redis)', () => {
  const prefix = testRedisPrefix();
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let sql: Client;
  let pgProxy: TcpProxy;
  let service: ServiceProcess;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: 20, seed: 31 });
    database = await createTestDatabase();
    sql = new Client({ connectionString: database.url });
    await sql.connect();
    await sql.query('INSERT INTO tracked_symbol (symbol) SELECT unnest($1::text[])', [SYMBOLS]);
    const proxied = await TcpProxy.inFrontOf(database.url);
    pgProxy = proxied.proxy;
    service = await startService({
      ...serviceEnv({ databaseUrl: proxied.url, redisKeyPrefix: prefix, emulator }),
      REST_WEIGHT_BUDGET_PER_MINUTE: '6000',
    });
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await pgProxy?.stop();
    await sql?.end();
    await emulator?.close();
    await database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  /** Read past the proxy. */
  async function storedSpans(): Promise<StoredSpan[]> {
    return (await sql.query<StoredSpan>(`SELECT symbol, count(*) AS count, min(trade_id) AS min, max(trade_id) AS max FROM ${STORED_TRADE_IDS} AS stored GROUP BY symbol`)).rows;
  }

  /** Every symbol has a stored trade above the emulator's id at `ids`. */
  async function storedBeyond(ids: Map<string, number>): Promise<boolean> {
    const spans = await storedSpans();
    return SYMBOLS.every((symbol) => Number(spans.find((span) => span.symbol === symbol)?.max ?? 0) > (ids.get(symbol) as number));
  }

  function currentIds(): Map<string, number> {
    return new Map(SYMBOLS.map((symbol) => [symbol, emulator.lastTradeId(symbol) as number]));
  }

  it('writes history again within 30 s with the default timings, and loses no trade', async () => {
    await waitFor(() => storedBeyond(new Map(SYMBOLS.map((symbol) => [symbol, 0]))), {
      what: 'history of every symbol being written',
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    // Let the pool settle into its working set of connections, all of which go silent.
    await sleep(2_000);
    const idsAtSilence = currentIds();
    const silencedAt = Date.now();
    const silenced = pgProxy.silence();
    await waitFor(() => storedBeyond(idsAtSilence), {
      what: 'history written again after the silence',
      timeoutMs: WRITING_AGAIN_TARGET_MS + 15_000,
      intervalMs: 100,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${service.output().slice(-4000)}`);
    });
    const writingAgainMs = Date.now() - silencedAt;

    const target = currentIds();
    let spans: StoredSpan[] = [];
    const complete = (span: StoredSpan | undefined, symbol: string): boolean =>
      !!span && Number(span.max) >= (target.get(symbol) as number) && Number(span.count) === Number(span.max) - Number(span.min) + 1;
    await waitFor(
      async () => {
        spans = await storedSpans();
        return SYMBOLS.every((symbol) => complete(spans.find((span) => span.symbol === symbol), symbol));
      },
      { what: 'complete, contiguous history for every symbol', timeoutMs: 30_000, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${JSON.stringify(spans)}`);
    });
    const lost = spans.reduce((missing, span) => missing + Number(span.max) - Number(span.min) + 1 - Number(span.count), 0);
    const health = await fetch(`${service.baseUrl}/health`, { signal: AbortSignal.timeout(20_000) }).then(
      (response) => String(response.status),
      () => 'no answer',
    );
    report(
      `${silenced} PostgreSQL connections silent (no reset): history written again after ${writingAgainMs} ms ` +
        `(default DATABASE_CALL_TIMEOUT_MS 15000); trades lost ${lost}; /health ${health}`,
    );
    expect(writingAgainMs).toBeLessThanOrEqual(WRITING_AGAIN_TARGET_MS);
    expect(lost).toBe(0);
  }, 150_000);
});
