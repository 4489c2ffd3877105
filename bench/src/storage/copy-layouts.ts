import { databaseUrl } from '@binance-rates/testing';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CpuMeter } from '../infra/cpu-meter';

/**
 * PostgreSQL's CPU per million trades for ways of laying out the history, against this machine's server:
 * `npm run bench:storage`. The service's write pattern at ~100k trades/s: 200 symbols interleaved, 5,000 trades per
 * COPY, two writers in parallel. Every payload is encoded before the clock starts, so only PostgreSQL is measured.
 * It answers one question: how much of the CPU per trade is the per-row layout itself (a heap row and a B-tree entry
 * for every trade), and what a layout with one row per run of consecutive trades would cost instead.
 */

interface Layout {
  name: string;
  ddl: string;
  /** One COPY row for `count` consecutive trades of `symbol` starting at `firstId`. */
  encode(symbolIndex: number, firstId: number, count: number, time: number): string;
}

const SYMBOLS = 200;
const WRITERS = 2;
const TRADES_PER_COPY = 5_000;
const RUN = 25;
const PRICE = '37000.12000000';
const QUANTITY = '0.00120000';

const symbolName = (index: number): string => `C${String(index + 1).padStart(3, '0')}USDT`;
const iso = (time: number): string => new Date(time).toISOString();

function rows(symbol: string | number, firstId: number, count: number, time: number): string {
  let text = '';
  for (let i = 0; i < count; i += 1) {
    const id = firstId + i;
    text += `${symbol}\t${id}\t${PRICE}\t${QUANTITY}\t${id * 2}\t${id * 2 + 3}\t${iso(time + i)}\t${i % 2 ? 't' : 'f'}\n`;
  }
  return text;
}

const ROW_COLUMNS = `trade_id bigint NOT NULL, price numeric NOT NULL, quantity numeric NOT NULL, first_trade_id bigint NOT NULL,
  last_trade_id bigint NOT NULL, trade_time timestamptz(3) NOT NULL, is_buyer_maker boolean NOT NULL`;

const LAYOUTS: Layout[] = [
  {
    name: 'one row per trade, primary key (symbol COLLATE "C", trade_id): agg_trade today',
    ddl: `CREATE TABLE history (symbol varchar(20) COLLATE "C" NOT NULL, ${ROW_COLUMNS}, PRIMARY KEY (symbol, trade_id))`,
    encode: (symbolIndex, firstId, count, time) => rows(symbolName(symbolIndex), firstId, count, time),
  },
  {
    name: 'one row per trade, no index (the heap alone; no exactly-once)',
    ddl: `CREATE TABLE history (symbol varchar(20) COLLATE "C" NOT NULL, ${ROW_COLUMNS})`,
    encode: (symbolIndex, firstId, count, time) => rows(symbolName(symbolIndex), firstId, count, time),
  },
  {
    name: 'one row per trade, primary key (integer symbol id, trade_id)',
    ddl: `CREATE TABLE history (symbol integer NOT NULL, ${ROW_COLUMNS}, PRIMARY KEY (symbol, trade_id))`,
    encode: (symbolIndex, firstId, count, time) => rows(symbolIndex, firstId, count, time),
  },
  {
    name: `one row per run of ${RUN} consecutive trades, typed arrays, primary key (symbol, first_id)`,
    ddl: `CREATE TABLE history (symbol varchar(20) COLLATE "C" NOT NULL, first_id bigint NOT NULL, last_id bigint NOT NULL,
      price numeric[] NOT NULL, quantity numeric[] NOT NULL, first_trade_id bigint[] NOT NULL, last_trade_id bigint[] NOT NULL,
      trade_time timestamptz(3)[] NOT NULL, is_buyer_maker boolean[] NOT NULL, PRIMARY KEY (symbol, first_id))`,
    encode: (symbolIndex, firstId, count, time) => {
      const ids = Array.from({ length: count }, (_, i) => firstId + i);
      const list = (values: Array<string | number>): string => `{${values.join(',')}}`;
      return (
        [
          symbolName(symbolIndex),
          firstId,
          firstId + count - 1,
          list(ids.map(() => PRICE)),
          list(ids.map(() => QUANTITY)),
          list(ids.map((id) => id * 2)),
          list(ids.map((id) => id * 2 + 3)),
          list(ids.map((_, i) => `"${iso(time + i)}"`)),
          list(ids.map((_, i) => (i % 2 ? 't' : 'f'))),
        ].join('\t') + '\n'
      );
    },
  },
  {
    name: `one row per run of ${RUN} consecutive trades, the trades as one text column, primary key (symbol, first_id)`,
    ddl: `CREATE TABLE history (symbol varchar(20) COLLATE "C" NOT NULL, first_id bigint NOT NULL, last_id bigint NOT NULL,
      trades text NOT NULL, PRIMARY KEY (symbol, first_id))`,
    encode: (symbolIndex, firstId, count, time) => {
      const lines = Array.from({ length: count }, (_, i) => {
        const id = firstId + i;
        return `${PRICE} ${QUANTITY} ${id * 2} ${id * 2 + 3} ${time + i} ${i % 2 ? 't' : 'f'}`;
      });
      return `${symbolName(symbolIndex)}\t${firstId}\t${firstId + count - 1}\t${lines.join('\\n')}\n`;
    },
  },
];

/**
 * COPY payloads for one writer, laid out as the service seals them: its half of the symbols, each symbol's trades of
 * the batch together (consecutive ids, in runs of `RUN`), symbols in order.
 */
function payloads(layout: Layout, writer: number, trades: number, nextIds: number[]): Buffer[] {
  const batches: Buffer[] = [];
  const symbols = Array.from({ length: SYMBOLS / WRITERS }, (_, slot) => writer + slot * WRITERS);
  const perSymbol = TRADES_PER_COPY / symbols.length;
  let time = Date.UTC(2026, 0, 1);
  for (let batch = 0; batch < trades / WRITERS / TRADES_PER_COPY; batch += 1) {
    let text = '';
    for (const symbolIndex of symbols) {
      for (let done = 0; done < perSymbol; done += RUN) {
        text += layout.encode(symbolIndex, nextIds[symbolIndex], RUN, time);
        nextIds[symbolIndex] += RUN;
      }
    }
    time += perSymbol;
    batches.push(Buffer.from(text));
  }
  return batches;
}

function copy(client: Client, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom('COPY history FROM STDIN'));
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(payload);
  });
}

async function measure(serverUrl: string, layout: Layout, trades: number): Promise<{ perSecond: number; cpuPerMillion: number; megabytes: number }> {
  const name = `rates_bench_storage_${process.pid}`;
  const admin = new Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  const writers = Array.from({ length: WRITERS }, () => new Client({ connectionString: databaseUrl(name, serverUrl) }));
  try {
    await Promise.all(writers.map((client) => client.connect()));
    await writers[0].query(layout.ddl);
    const nextIds = Array.from({ length: SYMBOLS }, (_, index) => 1_000_000_000 + index * 10_000_000);
    const work = writers.map((_, writer) => payloads(layout, writer, trades, nextIds));
    const meter = new CpuMeter(new Set([name]), {}).start();
    const sampler = setInterval(() => meter.sample(), 200);
    const startedAt = performance.now();
    await Promise.all(writers.map(async (client, writer) => {
      for (const payload of work[writer]) await copy(client, payload);
    }));
    const seconds = (performance.now() - startedAt) / 1000;
    clearInterval(sampler);
    const cpu = meter.read();
    const { rows: size } = await writers[0].query<{ bytes: string }>(`SELECT pg_total_relation_size('history') AS bytes`);
    return { perSecond: trades / seconds, cpuPerMillion: cpu.postgres / (trades / 1e6), megabytes: Number(size[0].bytes) / 2 ** 20 };
  } finally {
    await Promise.all(writers.map((client) => client.end().catch(() => undefined)));
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const serverUrl = (process.env['BENCH_POSTGRES_URL'] || 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');
  const trades = Number(process.env['BENCH_STORAGE_TRADES'] || 1_000_000);
  const rounds = Number(process.env['BENCH_STORAGE_ROUNDS'] || 2);
  process.stdout.write(
    `PostgreSQL CPU-s per million trades, ${trades} trades, ${SYMBOLS} symbols, ${TRADES_PER_COPY} per COPY, ${WRITERS} writers, ${rounds} rounds\n\n` +
      '| layout | trades/s | PG CPU-s / 1M trades | MB |\n|---|---|---|---|\n',
  );
  for (const layout of LAYOUTS) {
    const results = [];
    for (let round = 0; round < rounds; round += 1) results.push(await measure(serverUrl, layout, trades));
    const range = (values: number[], digits: number): string => {
      const [low, high] = [Math.min(...values), Math.max(...values)].map((value) => value.toFixed(digits));
      return low === high ? low : `${low}–${high}`;
    };
    process.stdout.write(
      `| ${layout.name} | ${range(results.map((r) => r.perSecond / 1000), 0)}k | ${range(results.map((r) => r.cpuPerMillion), 2)} | ${range(results.map((r) => r.megabytes), 0)} |\n`,
    );
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
