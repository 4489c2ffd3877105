import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DatabaseClient } from '../database.client';
import { CANDLE_COLUMNS, CANDLE_LEVELS, type CandleLevel, mergedCandleColumns, symbolsOf } from './candle-levels';
import { ROLLUP_LOOKBACK_MS } from './candle-rollup.timing';

/** One key for every instance: a single rollup job runs at a time in the cluster. */
const ROLLUP_LOCK_KEY = 0x63616e646c; // "candl"
/** Late days rolled up again per run, so one run stays short however large a backfill was. */
const PENDING_DAYS_PER_RUN = 500;

export interface RollUpResult {
  /** Candles written per coarse level. */
  written: Record<string, number>;
  /** Days rolled up again because a write landed in them late. */
  lateDays: number;
}

/**
 * Rolls candle_1m up into candle_15m, candle_1h and candle_1d, and deletes candles past their retention. One instance
 * at a time (a transaction-scoped advisory lock; the others skip the round). Each coarse candle is recomputed from
 * the level below, never added to, so a run repeated or cut short by a crash leaves nothing doubled.
 */
@Injectable()
export class CandleRollupRepository {
  constructor(private readonly db: DatabaseClient) {}

  /** Null when another instance holds the job. */
  rollUp(): Promise<RollUpResult | null> {
    return this.db.transaction(async (client) => {
      const { rows } = await client.query<{ locked: boolean; rolled_at_ms: number | null }>(
        `SELECT pg_try_advisory_xact_lock($1) AS locked,
                (SELECT (extract(epoch FROM rolled_at) * 1000)::float8 FROM candle_rollup_state WHERE id = 1) AS rolled_at_ms`,
        [ROLLUP_LOCK_KEY],
      );
      const [state] = rows;
      if (!state?.locked) {
        return null;
      }
      const pending = await client.query<{ id: string }>(`SELECT id FROM candle_rollup_pending ORDER BY id LIMIT $1`, [PENDING_DAYS_PER_RUN]);
      const pendingIds = pending.rows.map((row) => row.id);
      // Never rolled up: every minute there is (no trade is older than the epoch).
      const fromMs = state.rolled_at_ms === null ? 0 : state.rolled_at_ms - ROLLUP_LOOKBACK_MS;
      const written: Record<string, number> = {};
      for (let i = 1; i < CANDLE_LEVELS.length; i++) {
        const target = CANDLE_LEVELS[i] as CandleLevel;
        written[target.table] = await rollUpLevel(client, { source: CANDLE_LEVELS[i - 1] as CandleLevel, target, fromMs, pendingIds });
      }
      await client.query(`DELETE FROM candle_rollup_pending WHERE id = ANY($1::bigint[])`, [pendingIds]);
      await client.query(
        `INSERT INTO candle_rollup_state (id, rolled_at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET rolled_at = excluded.rolled_at`,
      );
      return { written, lateDays: pendingIds.length };
    });
  }

  /**
   * Deletes candles that opened before `before`, at most `perSymbol` per symbol and level, oldest first; returns how
   * many. Called until it returns 0, each call is a short transaction of its own.
   */
  async deleteOpenedBefore(before: number, perSymbol: number): Promise<number> {
    let deleted = 0;
    for (const { table } of CANDLE_LEVELS) {
      const result = await this.db.query(
        `WITH RECURSIVE ${symbolsOf(table)}
         DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
           SELECT c.ctid FROM symbols s CROSS JOIN LATERAL (
             SELECT ctid FROM ${table} WHERE symbol = s.symbol AND open_time < timestamptz 'epoch' + $1::bigint * interval '1 millisecond'
             ORDER BY open_time LIMIT $2
           ) c WHERE s.symbol IS NOT NULL))`,
        [before, perSymbol],
      );
      deleted += result.rowCount ?? 0;
    }
    return deleted;
  }
}

/**
 * Recomputes the `target` candles that `source` rows changed: those of source rows opening from `fromMs` on (the
 * source level's own interval holding it included), and every one of the late days in `pendingIds`.
 */
async function rollUpLevel(
  client: PoolClient,
  { source, target, fromMs, pendingIds }: { source: CandleLevel; target: CandleLevel; fromMs: number; pendingIds: string[] },
): Promise<number> {
  const width = `$1::bigint * interval '1 millisecond'`;
  const result = await client.query(
    `WITH RECURSIVE ${symbolsOf(source.table)},
     touched AS (
       SELECT s.symbol, date_bin(${width}, c.open_time, timestamptz 'epoch') AS open_time
       FROM symbols s CROSS JOIN LATERAL (
         SELECT open_time FROM ${source.table}
         WHERE symbol = s.symbol AND open_time >= date_bin($2::bigint * interval '1 millisecond', timestamptz 'epoch' + $3::bigint * interval '1 millisecond', timestamptz 'epoch')
       ) c
       WHERE s.symbol IS NOT NULL
       UNION
       SELECT p.symbol, generate_series(p.day, p.day + interval '1 day' - ${width}, ${width})
       FROM candle_rollup_pending p WHERE p.id = ANY($4::bigint[])
     )
     INSERT INTO ${target.table} AS t (${CANDLE_COLUMNS})
     SELECT touched.symbol, touched.open_time, merged.open, merged.high, merged.low, merged.close, merged.volume, merged.quote_volume,
            merged.taker_buy_volume, merged.taker_buy_quote_volume, merged.trades, merged.agg_trades, merged.first_agg_id, merged.last_agg_id
     FROM touched CROSS JOIN LATERAL (
       SELECT ${mergedCandleColumns('c')} FROM ${source.table} c
       WHERE c.symbol = touched.symbol AND c.open_time >= touched.open_time AND c.open_time < touched.open_time + ${width}
     ) merged
     WHERE merged.agg_trades IS NOT NULL
     ORDER BY touched.symbol, touched.open_time
     ON CONFLICT (symbol, open_time) DO UPDATE SET
       open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume,
       quote_volume = excluded.quote_volume, taker_buy_volume = excluded.taker_buy_volume,
       taker_buy_quote_volume = excluded.taker_buy_quote_volume, trades = excluded.trades, agg_trades = excluded.agg_trades,
       first_agg_id = excluded.first_agg_id, last_agg_id = excluded.last_agg_id`,
    [target.ms, source.ms, fromMs, pendingIds],
  );
  return result.rowCount ?? 0;
}
