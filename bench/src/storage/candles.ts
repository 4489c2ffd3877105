import { CANDLE_INTERVAL_NAMES, CandleFold, type TradeRun, candleWindow } from '@binance-rates/domain';
import { applyMigrations, CandleRepository, CandleRollupRepository, CandleRollupWriter, DatabaseClient, TradeRepository } from '@binance-rates/storage';
import { databaseUrl, testConfig } from '@binance-rates/testing';
import { Client, Pool } from 'pg';
import { CpuMeter } from '../infra/cpu-meter';
import { MarketRuns, symbolName } from './candle-runs';

/**
 * What keeping candles costs and how fast they read: `npm run bench:candles` (BENCH_CANDLE_PARTS=fold,writes,reads).
 * - fold: the pure fold of trade runs into 1m candles, the work the history write path does per trade, in ns.
 * - writes: PostgreSQL CPU per million trades for CandleRollupWriter.add at the service's ~100k trades/s pattern:
 *   200 symbols, two writers, each storing 5,000 trades (its 100 symbols' trades of 100 ms) per transaction.
 * - reads: a year of 1m candles of one symbol (written by SQL, rolled up by the rollup job) and its last 1,000 s of
 *   trades at 30 a second; then 1,000 candles of every interval ending now, BENCH_CANDLE_READS times each, p50/p99.
 */

const SYMBOLS = 200;
const WRITERS = 2;
const TRADES_PER_BATCH = 5_000;
const BATCH_SPAN_MS = 100;
const T0 = Date.UTC(2026, 0, 1);

function foldPart(): void {
  const market = new MarketRuns(Array.from({ length: SYMBOLS }, (_, index) => symbolName(index)));
  const perSymbol = (TRADES_PER_BATCH * WRITERS) / SYMBOLS;
  const batches: TradeRun[][] = [];
  for (let batch = 0; batch < 200; batch++) {
    batches.push(Array.from({ length: SYMBOLS }, (_, index) => market.run(index, perSymbol, T0 + batch * BATCH_SPAN_MS, BATCH_SPAN_MS)));
  }
  const trades = batches.length * SYMBOLS * perSymbol;
  const samples: number[] = [];
  for (let round = 0; round < 7; round++) {
    const started = process.hrtime.bigint();
    for (const runs of batches) {
      const fold = new CandleFold(60_000);
      for (const run of runs) {
        fold.add(run);
      }
      fold.partials();
    }
    samples.push(Number(process.hrtime.bigint() - started) / trades);
  }
  samples.sort((a, b) => a - b);
  const [min, , , median, , , max] = samples.map((ns) => ns.toFixed(1));
  process.stdout.write(`fold: ${trades} trades in runs of ${perSymbol}, ns per trade over 7 rounds: min ${min}, median ${median}, max ${max}\n`);
}

async function writesPart(serverUrl: string, trades: number): Promise<void> {
  const name = `rates_bench_candles_${process.pid}`;
  const url = databaseUrl(name, serverUrl);
  const admin = new Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  const pool = new Pool({ connectionString: url, max: WRITERS });
  try {
    await applyMigrations({ databaseUrl: url });
    const market = new MarketRuns(Array.from({ length: SYMBOLS }, (_, index) => symbolName(index)));
    const perSymbol = (TRADES_PER_BATCH * WRITERS) / SYMBOLS;
    const batchesPerWriter = trades / WRITERS / TRADES_PER_BATCH;
    // Built before the clock starts: only PostgreSQL is measured. Time runs ahead 100 ms per batch, as live.
    const work = Array.from({ length: WRITERS }, (_, writer) => {
      const symbols = Array.from({ length: SYMBOLS / WRITERS }, (__, slot) => writer + slot * WRITERS);
      return Array.from({ length: batchesPerWriter }, () => [] as TradeRun[]).map((runs, batch) => {
        runs.push(...symbols.map((index) => market.run(index, perSymbol, T0 + batch * BATCH_SPAN_MS, BATCH_SPAN_MS)));
        return runs;
      });
    });
    const writer = new CandleRollupWriter();
    const clients = await Promise.all(work.map(() => pool.connect()));
    const meter = new CpuMeter(new Set([name]), {}).start();
    const sampler = setInterval(() => meter.sample(), 200);
    const started = performance.now();
    await Promise.all(
      work.map(async (batches, index) => {
        const client = clients[index] as (typeof clients)[number];
        for (const runs of batches) {
          await client.query('BEGIN');
          await writer.add(client, runs);
          await client.query('COMMIT');
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const cpu = meter.read();
    clients.forEach((client) => client.release());
    const { rows: [size] } = await pool.query<{ bytes: string; rows: string }>(`SELECT pg_total_relation_size('candle_1m') AS bytes, (SELECT count(*) FROM candle_1m) AS rows`);
    process.stdout.write(
      `writes: ${trades} trades (${(batchesPerWriter * BATCH_SPAN_MS) / 1000} s of market) in ${seconds.toFixed(1)} s; ` +
        `PostgreSQL ${(cpu.postgres / (trades / 1e6)).toFixed(3)} CPU-s per million trades; ` +
        `${size?.rows} 1m rows, ${(Number(size?.bytes) / 2 ** 20).toFixed(1)} MB\n`,
    );
  } finally {
    await pool.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function readsPart(serverUrl: string, reads: number): Promise<void> {
  const name = `rates_bench_candle_reads_${process.pid}`;
  const url = databaseUrl(name, serverUrl);
  const admin = new Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  const client = new DatabaseClient(testConfig({ database: { url, poolSize: 4, statementTimeoutMs: 600_000, callTimeoutMs: 660_000 } }));
  try {
    await applyMigrations({ databaseUrl: url });
    const now = Date.now();
    const minutes = 365 * 1440;
    const firstMinute = now - (now % 60_000) - (minutes - 1) * 60_000;
    // A random walk of prices on a 0.01 tick, about 2,000 trades a minute; ids follow on from minute to minute.
    await client.pool.query(
      `INSERT INTO candle_1m (symbol, open_time, open, high, low, close, volume, quote_volume, taker_buy_volume, taker_buy_quote_volume, trades, agg_trades, first_agg_id, last_agg_id)
       SELECT 'BTCUSDT', timestamptz 'epoch' + ($1::bigint + m::bigint * 60000) * interval '1 millisecond',
              p, p + 0.37, p - 0.41, p + 0.05, 12.34567, 12.34567 * p, 6.1, 6.1 * p, 2600, 2000, m::bigint * 2000, m::bigint * 2000 + 1999
       FROM (SELECT m, round((60000 + 3000 * sin(m / 5000.0) + (m % 97))::numeric, 2)::numeric(20, 8) AS p FROM generate_series(0, $2 - 1) AS m) walk`,
      [firstMinute, minutes],
    );
    await client.pool.query(
      `INSERT INTO agg_trade (symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time, is_buyer_maker)
       SELECT 'BTCUSDT', id, 60000.12 + (id % 13) * 0.01, 0.00123, id * 2, id * 2 + 1, timestamptz 'epoch' + ($1::bigint + (id - 1) / 30 * 1000) * interval '1 millisecond', id % 2 = 0
       FROM generate_series(1, 30000) AS id`,
      [now - 1_000_000],
    );
    const rolledFrom = performance.now();
    await new CandleRollupRepository(client).rollUp();
    const rollUpSeconds = (performance.now() - rolledFrom) / 1000;
    await client.pool.query('ANALYZE');
    const repository = new CandleRepository(client, new TradeRepository(client));
    process.stdout.write(`reads: a year of 1m candles (${minutes}) rolled up from scratch in ${rollUpSeconds.toFixed(1)} s; 1,000 candles ending now, ${reads} reads each\n`);
    process.stdout.write('| interval | candles | p50 ms | p99 ms |\n|---|---|---|---|\n');
    for (const interval of CANDLE_INTERVAL_NAMES) {
      const window = candleWindow({ interval, limit: 1000, now });
      const samples: number[] = [];
      let candles = 0;
      for (let i = 0; i < reads; i++) {
        const started = performance.now();
        candles = (await repository.findCandles({ symbol: 'BTCUSDT', interval, ...window, timeoutMs: 10_000 })).length;
        samples.push(performance.now() - started);
      }
      samples.sort((a, b) => a - b);
      const at = (q: number) => (samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN).toFixed(1);
      process.stdout.write(`| ${interval} | ${candles} | ${at(0.5)} | ${at(0.99)} |\n`);
    }
  } finally {
    await client.close().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const serverUrl = (process.env['BENCH_POSTGRES_URL'] || 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');
  const parts = new Set((process.env['BENCH_CANDLE_PARTS'] || 'fold,writes,reads').split(','));
  if (parts.has('fold')) {
    foldPart();
  }
  if (parts.has('writes')) {
    await writesPart(serverUrl, Number(process.env['BENCH_CANDLE_TRADES'] || 2_000_000));
  }
  if (parts.has('reads')) {
    await readsPart(serverUrl, Number(process.env['BENCH_CANDLE_READS'] || 100));
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
