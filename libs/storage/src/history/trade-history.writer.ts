import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { type TradeRun, lastIdOf, sliceRun } from '@binance-rates/domain';
import { copyIn } from '../copy-in';
import { DatabaseClient } from '../database.client';
import { encodeRun } from '../blocks/trade-run.codec';
import { CandleRollupWriter } from '../candles/candle-rollup.writer';
import { historyCopyData } from './history-copy';
import { HISTORY_COLUMNS, type HistoryRow } from './history-row';
import { type IdRange, uncoveredRanges } from './id-coverage';
import { TradeBlockPartitions } from './trade-block-partitions';

/** Where a write lands: `run` is the hot form recent trades are written in, `block` the compacted one. */
export type HistoryForm = 'run' | 'block';

const TABLE: Record<HistoryForm, string> = { run: 'trade_run', block: 'trade_block' };

/**
 * The one way trades enter the history: live batches, backfills, imports and the compactor's rewrites all come
 * here, so "stored once" is decided in one place and does not depend on who holds which lease.
 *
 * Each write is one transaction that first locks the `trade_watermark` row of every symbol it touches, in `COLLATE
 * "C"` order (so writers wait on each other instead of deadlocking). A run above its symbol's watermark is new by
 * construction; one at or below it is checked against what runs and blocks already hold there and trimmed to the
 * missing ids. The stored trades' 1m candles are merged and the watermark moves up in the same transaction, so a
 * crash anywhere leaves either all of a write or none of it.
 */
@Injectable()
export class TradeHistoryWriter {
  /** Symbols whose watermark row exists: it is created once, outside any write's transaction. */
  private readonly watermarked = new Set<string>();

  constructor(
    private readonly db: DatabaseClient,
    private readonly partitions: TradeBlockPartitions,
    private readonly rollups: CandleRollupWriter,
  ) {}

  /**
   * Stores the trades of `runs` that are not stored yet; returns how many that was. Runs may repeat or overlap each
   * other and what is stored; they must be in `COLLATE "C"` symbol order, as TradeRunBatch seals them.
   */
  async store(runs: readonly TradeRun[], form: HistoryForm = 'run'): Promise<number> {
    if (runs.length === 0) {
      return 0;
    }
    const symbols = distinctSymbols(runs);
    await this.ensureWatermarks(symbols);
    if (form === 'block') {
      await this.partitions.ensureFor(runs.flatMap((run) => [run.time[0], run.time[run.count - 1]]));
    }
    return this.db.transaction(async (client) => {
      const watermarks = await lockWatermarks(client, symbols);
      const missing = symbols.filter((symbol) => !watermarks.has(symbol));
      if (missing.length > 0) {
        // Deleted by hand: writing without the row's lock could store a trade twice. The retry creates it again from
        // what is stored.
        for (const symbol of missing) this.watermarked.delete(symbol);
        throw new Error(`history write found no watermark for ${missing.join(', ')}; it is created again on the retry`);
      }
      const stored = await storedCoverage(client, runs, watermarks);
      const accepted = acceptNew(runs, watermarks, stored);
      if (accepted.length === 0) {
        return 0;
      }
      await copyIn(client, `COPY ${TABLE[form]} (${HISTORY_COLUMNS}) FROM STDIN (FORMAT binary)`, historyCopyData(accepted.map(historyRowOf)));
      // The candles take exactly what this write stored, in its transaction: none counts a trade twice or misses one.
      await this.rollups.add(client, accepted);
      await raiseWatermarks(client, accepted);
      return accepted.reduce((sum, run) => sum + run.count, 0);
    });
  }

  private async ensureWatermarks(symbols: readonly string[]): Promise<void> {
    const missing = symbols.filter((symbol) => !this.watermarked.has(symbol));
    if (missing.length === 0) {
      return;
    }
    // Committed on its own: inserting it inside a write would hold the new row's lock out of symbol order. It starts
    // at the highest id stored (-1 for none), which no one can add to meanwhile: every write waits for the row.
    await this.db.query(
      `INSERT INTO trade_watermark (symbol, last_id)
       SELECT s.symbol, coalesce(greatest(
         (SELECT max(last_id) FROM trade_run r WHERE r.symbol = s.symbol),
         (SELECT max(last_id) FROM trade_block b WHERE b.symbol = s.symbol)), -1)
       FROM unnest($1::text[]) AS s(symbol)
       ON CONFLICT DO NOTHING`,
      [missing],
    );
    for (const symbol of missing) {
      this.watermarked.add(symbol);
    }
  }
}

/** Each symbol's watermark, its row locked until the transaction ends. */
async function lockWatermarks(client: PoolClient, symbols: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await client.query<{ symbol: string; last_id: number }>(
    'SELECT symbol, last_id::float8 AS last_id FROM trade_watermark WHERE symbol = ANY($1::text[]) ORDER BY symbol FOR UPDATE',
    [symbols],
  );
  return new Map(rows.map((row) => [row.symbol, row.last_id]));
}

/**
 * The stored id ranges that may overlap the runs at or below their symbol's watermark. Runs and blocks never
 * overlap each other, so for each such run it is the stored row holding its first id (the last one starting at or
 * before it) and every row starting inside it: two index probes per table, however long the history.
 */
async function storedCoverage(client: PoolClient, runs: readonly TradeRun[], watermarks: Map<string, number>): Promise<Map<string, IdRange[]>> {
  const below = runs.filter((run) => run.firstId <= (watermarks.get(run.symbol) as number));
  const coverage = new Map<string, IdRange[]>();
  if (below.length === 0) {
    return coverage;
  }
  const { rows } = await client.query<{ symbol: string; first_id: number; last_id: number }>(
    `SELECT q.symbol, c.first_id::float8 AS first_id, c.last_id::float8 AS last_id
     FROM unnest($1::text[], $2::int8[], $3::int8[]) AS q(symbol, lo, hi)
     CROSS JOIN LATERAL (
       (SELECT first_id, last_id FROM trade_run r WHERE r.symbol = q.symbol AND r.first_id <= q.lo ORDER BY r.first_id DESC LIMIT 1)
       UNION ALL
       (SELECT first_id, last_id FROM trade_run r WHERE r.symbol = q.symbol AND r.first_id > q.lo AND r.first_id <= q.hi)
       UNION ALL
       (SELECT first_id, last_id FROM trade_block b WHERE b.symbol = q.symbol AND b.first_id <= q.lo ORDER BY b.first_id DESC LIMIT 1)
       UNION ALL
       (SELECT first_id, last_id FROM trade_block b WHERE b.symbol = q.symbol AND b.first_id > q.lo AND b.first_id <= q.hi)
     ) AS c`,
    [below.map((run) => run.symbol), below.map((run) => run.firstId), below.map(lastIdOf)],
  );
  for (const row of rows) {
    const ranges = coverage.get(row.symbol) ?? [];
    ranges.push({ from: row.first_id, to: row.last_id });
    coverage.set(row.symbol, ranges);
  }
  return coverage;
}

/** The parts of the runs that neither the history nor an earlier run of this write holds. */
function acceptNew(runs: readonly TradeRun[], watermarks: Map<string, number>, stored: Map<string, IdRange[]>): TradeRun[] {
  const accepted: TradeRun[] = [];
  const taken = new Map<string, IdRange[]>();
  for (const run of runs) {
    const covered = taken.get(run.symbol) ?? [...(stored.get(run.symbol) ?? [])];
    taken.set(run.symbol, covered);
    const range = { from: run.firstId, to: lastIdOf(run) };
    const above = watermarks.get(run.symbol) as number;
    const parts = range.from > above && covered.every((part) => part.to < range.from) ? [range] : uncoveredRanges(range, covered);
    for (const part of parts) {
      // Each part lies inside the run, so the slice is never empty.
      accepted.push(sliceRun(run, part.from, part.to) as TradeRun);
    }
    covered.push(range);
  }
  return accepted;
}

async function raiseWatermarks(client: PoolClient, runs: readonly TradeRun[]): Promise<void> {
  const highest = new Map<string, number>();
  for (const run of runs) {
    highest.set(run.symbol, Math.max(highest.get(run.symbol) ?? -1, lastIdOf(run)));
  }
  await client.query(
    `UPDATE trade_watermark w SET last_id = v.last_id
     FROM unnest($1::text[], $2::int8[]) AS v(symbol, last_id)
     WHERE w.symbol = v.symbol AND v.last_id > w.last_id`,
    [[...highest.keys()], [...highest.values()]],
  );
}

export function historyRowOf(run: TradeRun): HistoryRow {
  return {
    symbol: run.symbol,
    firstId: run.firstId,
    lastId: lastIdOf(run),
    firstTime: run.time[0],
    lastTime: run.time[run.count - 1],
    payload: encodeRun(run),
  };
}

function distinctSymbols(runs: readonly TradeRun[]): string[] {
  const symbols: string[] = [];
  for (const run of runs) {
    if (symbols[symbols.length - 1] !== run.symbol) {
      symbols.push(run.symbol);
    }
  }
  return [...new Set(symbols)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
