import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';

/**
 * One variant of prisma-cost.ts in a process of its own, so one's memory never shows in the other's:
 * `node --expose-gc prisma-cost.child.js raw|prisma <database url>` prints one Sample as JSON.
 */

export type Mode = 'raw' | 'prisma';

export interface Sample {
  /** RSS after connecting and one existence check. */
  loadedMb: number;
  /** RSS after the timed queries. */
  exercisedMb: number;
  heapMb: number;
  existsP50Ms: number;
  listP50Ms: number;
  listP99Ms: number;
}

interface TrackedSymbolDelegate {
  count(args: { where: { symbol: string; removedAt?: null } }): Promise<number>;
  findMany(args: object): Promise<unknown[]>;
}

/** Where `npm run build` puts the generated client; dist/bench/src/storage is this file's directory. */
const GENERATED_CLIENT = join(__dirname, '..', '..', '..', 'libs', 'storage', 'src', 'generated', 'prisma', 'client');

const EXISTS_RUNS = 2_000;
const LIST_RUNS = 200;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) {
    throw new Error('run with --expose-gc');
  }
  collect();
  collect();
}

async function percentiles(runs: number, query: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 200; i += 1) await query();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const startedAt = performance.now();
    await query();
    times.push(performance.now() - startedAt);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(runs / 2)], p99: times[Math.floor(runs * 0.99)] };
}

async function child(mode: Mode, url: string): Promise<Sample> {
  const pool = new Pool({ connectionString: url, max: 4 });
  let exists: () => Promise<boolean>;
  let list: () => Promise<unknown[]>;
  if (mode === 'raw') {
    exists = async () =>
      (await pool.query('SELECT EXISTS (SELECT 1 FROM tracked_symbol WHERE symbol = $1 AND removed_at IS NULL) AS found', ['C7USDT'])).rows[0].found;
    list = async () =>
      (await pool.query('SELECT symbol, added_at FROM tracked_symbol WHERE removed_at IS NULL ORDER BY added_at, symbol')).rows.map((row) => ({
        symbol: row.symbol,
        addedAt: row.added_at,
      }));
  } else {
    // Loaded by path: the client is generated for this measurement only; the service never imports it.
    const { PrismaClient } = require(GENERATED_CLIENT);
    const symbols = (new PrismaClient({ adapter: new PrismaPg(pool) }) as { trackedSymbol: TrackedSymbolDelegate }).trackedSymbol;
    exists = async () => (await symbols.count({ where: { symbol: 'C7USDT', removedAt: null } })) > 0;
    list = () =>
      symbols.findMany({ where: { removedAt: null }, orderBy: [{ addedAt: 'asc' }, { symbol: 'asc' }], select: { symbol: true, addedAt: true } });
  }
  await exists();
  gc();
  const loaded = process.memoryUsage().rss;
  const existence = await percentiles(EXISTS_RUNS, exists);
  const listing = await percentiles(LIST_RUNS, list);
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return {
    loadedMb: loaded / 2 ** 20,
    exercisedMb: rss / 2 ** 20,
    heapMb: heapUsed / 2 ** 20,
    existsP50Ms: existence.p50,
    listP50Ms: listing.p50,
    listP99Ms: listing.p99,
  };
}

child(process.argv[2] as Mode, process.argv[3] ?? '')
  .then((sample) => {
    process.stdout.write(JSON.stringify(sample));
    process.exit(0);
  })
  .catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  });
