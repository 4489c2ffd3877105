import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { applyMigrations } from '@binance-rates/storage';
import { databaseUrl } from '@binance-rates/testing';
import { Client } from 'pg';
import type { Mode, Sample } from './prisma-cost.child';

/**
 * What the generated Prisma client would cost the service for its cold queries (libs/storage README, "Prisma"):
 * memory once loaded, and latency of a tracked-symbol existence check and of the active-symbols list (2,000 symbols),
 * through the client on a pg pool (@prisma/adapter-pg) against the same queries in raw SQL. Each variant runs in a
 * fresh Node process (prisma-cost.child.ts). Needs `npm run build` first: the generated client is loaded from dist/.
 */

const SYMBOLS = 2_000;

async function main(): Promise<void> {
  const serverUrl = (process.env['BENCH_POSTGRES_URL'] || 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');
  const rounds = Number(process.env['BENCH_PRISMA_ROUNDS'] || 3);
  const name = `rates_bench_prisma_${process.pid}`;
  const url = databaseUrl(name, serverUrl);
  const admin = new Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await applyMigrations({ databaseUrl: url });
    const seed = new Client({ connectionString: url });
    await seed.connect();
    await seed.query(`INSERT INTO tracked_symbol (symbol, added_at) SELECT 'C' || n || 'USDT', now() FROM generate_series(1, ${SYMBOLS}) AS n`);
    await seed.end();
    const samples: Record<Mode, Sample[]> = { raw: [], prisma: [] };
    for (let round = 0; round < rounds; round += 1) {
      for (const mode of ['raw', 'prisma'] as const) {
        const output = execFileSync(process.execPath, ['--expose-gc', join(__dirname, 'prisma-cost.child.js'), mode, url], { encoding: 'utf8' });
        samples[mode].push(JSON.parse(output) as Sample);
      }
    }
    const range = (values: number[], digits: number): string => {
      const [low, high] = [Math.min(...values), Math.max(...values)].map((value) => value.toFixed(digits));
      return low === high ? low : `${low}–${high}`;
    };
    const row = (label: string, pick: (sample: Sample) => number, digits: number): string =>
      `| ${label} | ${range(samples.raw.map(pick), digits)} | ${range(samples.prisma.map(pick), digits)} |\n`;
    process.stdout.write(
      `${SYMBOLS} tracked symbols, ${rounds} rounds, a fresh process per variant and round\n\n| | raw pg | Prisma client |\n|---|---|---|\n` +
        row('RSS after pool + first query, MB', (s) => s.loadedMb, 0) +
        row('RSS after 2,000 checks and 200 lists, MB', (s) => s.exercisedMb, 0) +
        row('JS heap after GC, MB', (s) => s.heapMb, 1) +
        row('existence check p50, ms', (s) => s.existsP50Ms, 2) +
        row(`list ${SYMBOLS} active symbols p50, ms`, (s) => s.listP50Ms, 1) +
        row(`list ${SYMBOLS} active symbols p99, ms`, (s) => s.listP99Ms, 1),
    );
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
