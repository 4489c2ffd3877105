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

/** Where a read starts: an id, or the higher of an id and the first trade at or after a time. */
export type HistoryReadStart = { fromId: number; atTime?: undefined } | { fromId: number; atTime: number };

/**
 * The first id of the newest row (run or block) whose first trade is before `$2`, so a read from there meets every
 * trade from that time on (trades at the time itself may begin in the row before one starting at it); -1 when no
 * stored trade is earlier. Blocks answer from their time index; runs, which hold only the last
 * HISTORY_COMPACT_AFTER_MS or so, are walked back from their newest along the primary key.
 */
const ID_BEFORE_TIME = `SELECT coalesce(max(first_id), -1) FROM (
    (SELECT first_id FROM trade_run WHERE symbol = $1 AND first_time < ${fromEpochMs('$2')} ORDER BY first_id DESC LIMIT 1)
    UNION ALL
    (SELECT first_id FROM trade_block WHERE symbol = $1 AND first_time < ${fromEpochMs('$2')} ORDER BY first_time DESC LIMIT 1)
  ) AS candidates`;

/**
 * Rows from the one holding the id `from` (an SQL expression) on, at most `rows` + 1 after it, from both tables. The
 * row before `from` in each table is sent only when it reaches `from`: the other one's last row before it does not.
 * `rows` is written into the text: with a parameter there, the plan kept for the statement would not know how few
 * rows are wanted and sort every later row of the symbol instead of merging the partitions' keys.
 */
function rowsFrom(from: string, rows: number): string {
  const holder = (table: string) =>
    `(SELECT first_id::float8, last_id::float8, payload FROM (SELECT first_id, last_id, payload FROM ${table} WHERE symbol = $1 AND first_id <= ${from} ORDER BY first_id DESC LIMIT 1) AS holder WHERE last_id >= ${from})`;
  const after = (table: string) =>
    `(SELECT t.first_id::float8, t.last_id::float8, t.payload FROM ${table} t WHERE t.symbol = $1 AND t.first_id > ${from} ORDER BY t.first_id LIMIT ${rows + 1})`;
  return `SELECT * FROM (
    ${holder('trade_run')} UNION ALL ${after('trade_run')} UNION ALL ${holder('trade_block')} UNION ALL ${after('trade_block')}
  ) AS stored`;
}

/** Named, so each connection plans them once: planning over every monthly partition costs more than running them. */
const statements = new Map<string, { name: string; text: string }>();

function rowsStatement(atTime: boolean, rows: number): { name: string; text: string } {
  if (!Number.isSafeInteger(rows) || rows < 1) {
    throw new RangeError(`rows must be a positive integer, not ${rows}`);
  }
  const name = `history-rows-from-${atTime ? 'time' : 'id'}-${rows}`;
  let statement = statements.get(name);
  if (statement === undefined) {
    const text = atTime
      ? `WITH start AS (SELECT greatest($3::bigint, (${ID_BEFORE_TIME})) AS id) ${rowsFrom('(SELECT id FROM start)', rows)}`
      : rowsFrom('$2', rows);
    statement = { name, text };
    statements.set(name, statement);
  }
  return statement;
}

/**
 * Up to `rows` + 1 stored rows of a symbol in id order (the one more says whether there are more), from the one
 * holding the start (the last row starting at or before it, if it reaches the start) on, from runs and blocks
 * alike: one statement, each table answering from its primary key (and, for a time, its time index first).
 */
export async function historyRowsFrom(db: Queryable, symbol: string, start: HistoryReadStart, rows: number): Promise<StoredHistoryRow[]> {
  const result =
    start.atTime === undefined
      ? await db.query<StoredHistoryRow>({ ...rowsStatement(false, rows), values: [symbol, start.fromId] })
      : await db.query<StoredHistoryRow>({ ...rowsStatement(true, rows), values: [symbol, start.atTime, start.fromId] });
  // Ordered here: each part comes in key order already, and at most 2 + 2 × `rows` of them.
  return result.rows.sort((a, b) => a.first_id - b.first_id).slice(0, rows + 1);
}
