import type { PoolClient } from 'pg';
import { fromEpochMs } from '../sql-time';

/**
 * A stored row as reads see it: where it starts and its encoded trades. (Ids come back as float8, exact below 2^53;
 * the queries order by the table's own column, not the cast, so the order comes from the primary key.)
 */
export interface StoredHistoryRow {
  first_id: number;
  last_id: number;
  payload: Buffer;
}

type Queryable = Pick<PoolClient, 'query'>;

/**
 * Up to `rows` + 1 stored rows of a symbol in id order (the one more says whether there are more), from the one holding `fromId` (the last row starting at or
 * before it, which may end before it) on, from runs and blocks alike. Each table answers from its primary key.
 */
export async function historyRowsFrom(db: Queryable, symbol: string, fromId: number, rows: number): Promise<StoredHistoryRow[]> {
  const result = await db.query<StoredHistoryRow>(
    `SELECT * FROM (
       (SELECT r.first_id::float8, r.last_id::float8, r.payload FROM trade_run r WHERE r.symbol = $1 AND r.first_id <= $2 ORDER BY r.first_id DESC LIMIT 1)
       UNION ALL
       (SELECT r.first_id::float8, r.last_id::float8, r.payload FROM trade_run r WHERE r.symbol = $1 AND r.first_id > $2 ORDER BY r.first_id LIMIT $3 + 1)
       UNION ALL
       (SELECT b.first_id::float8, b.last_id::float8, b.payload FROM trade_block b WHERE b.symbol = $1 AND b.first_id <= $2 ORDER BY b.first_id DESC LIMIT 1)
       UNION ALL
       (SELECT b.first_id::float8, b.last_id::float8, b.payload FROM trade_block b WHERE b.symbol = $1 AND b.first_id > $2 ORDER BY b.first_id LIMIT $3 + 1)
     ) AS stored`,
    [symbol, fromId, rows],
  );
  // Ordered here: each part comes in key order already, and at most 2 + 2 × `rows` of them.
  return result.rows.sort((a, b) => a.first_id - b.first_id).slice(0, rows + 1);
}

/**
 * The first id of the newest row (run or block) whose first trade is before `time`, so a read from there meets every
 * trade from `time` on (trades at `time` itself may begin in the row before one starting at `time`); -1 when no
 * stored trade is earlier. Blocks answer from their time index; runs,
 * which hold only the last HISTORY_COMPACT_AFTER_MS or so, are walked back from their newest along the primary key.
 */
export async function idBefore(db: Queryable, symbol: string, time: number): Promise<number> {
  const { rows } = await db.query<{ first_id: number | null }>(
    `SELECT max(first_id)::float8 AS first_id FROM (
       (SELECT first_id FROM trade_run WHERE symbol = $1 AND first_time < ${fromEpochMs('$2')} ORDER BY first_id DESC LIMIT 1)
       UNION ALL
       (SELECT first_id FROM trade_block WHERE symbol = $1 AND first_time < ${fromEpochMs('$2')} ORDER BY first_time DESC LIMIT 1)
     ) AS candidates`,
    [symbol, time],
  );
  return rows[0].first_id ?? -1;
}
