import { CandleFold, type TradeRun } from '@binance-rates/domain';
import { applyMigrations, CandleRollupWriter } from '@binance-rates/storage';
import { databaseUrl } from '@binance-rates/testing';
import { Client, Pool } from 'pg';
import { CpuMeter } from '../infra/cpu-meter';
import { MarketRuns, symbolName } from './candle-runs';

/**
 * What keeping candles costs and how fast they read: `npm run bench:candles` (parts: BENCH_CANDLE_PARTS=fold,writes).
 * - fold: the pure fold of trade runs into 1m candles, the work the history write path does per trade, in ns.
 * - writes: PostgreSQL CPU per million trades for CandleRollupWriter.add at the service's ~100k trades/s pattern:
 *   200 symbols, two writers, each storing 5,000 trades (its 100 symbols' trades of 100 ms) per transaction.
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
  process.stdout.write(`fold: ${trades} trades in runs of ${perSymbol}, ns per trade over 7 rounds: min ${samples[0]!.toFixed(1)}, median ${samples[3]!.toFixed(1)}, max ${samples[6]!.toFixed(1)}\n`);
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
    const work = Array.from({ length: WRITERS }, () => [] as TradeRun[][]);
    for (let batch = 0; batch < batchesPerWriter; batch++) {
      for (let writer = 0; writer < WRITERS; writer++) {
        const symbols = Array.from({ length: SYMBOLS / WRITERS }, (_, slot) => writer + slot * WRITERS);
        work[writer]!.push(symbols.map((index) => market.run(index, perSymbol, T0 + batch * BATCH_SPAN_MS, BATCH_SPAN_MS)));
      }
    }
    const writer = new CandleRollupWriter();
    const clients = await Promise.all(work.map(() => pool.connect()));
    const meter = new CpuMeter(new Set([name]), {}).start();
    const sampler = setInterval(() => meter.sample(), 200);
    const started = performance.now();
    await Promise.all(
      clients.map(async (client, index) => {
        for (const runs of work[index]!) {
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
    const { rows } = await pool.query<{ bytes: string; rows: string }>(`SELECT pg_total_relation_size('candle_1m') AS bytes, (SELECT count(*) FROM candle_1m) AS rows`);
    process.stdout.write(
      `writes: ${trades} trades (${(batchesPerWriter * BATCH_SPAN_MS) / 1000} s of market) in ${seconds.toFixed(1)} s; ` +
        `PostgreSQL ${(cpu.postgres / (trades / 1e6)).toFixed(3)} CPU-s per million trades; ` +
        `${rows[0]!.rows} 1m rows, ${(Number(rows[0]!.bytes) / 2 ** 20).toFixed(1)} MB\n`,
    );
  } finally {
    await pool.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const serverUrl = (process.env['BENCH_POSTGRES_URL'] || 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');
  const parts = new Set((process.env['BENCH_CANDLE_PARTS'] || 'fold,writes').split(','));
  if (parts.has('fold')) {
    foldPart();
  }
  if (parts.has('writes')) {
    await writesPart(serverUrl, Number(process.env['BENCH_CANDLE_TRADES'] || 2_000_000));
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
