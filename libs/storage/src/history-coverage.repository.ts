import { Injectable } from '@nestjs/common';
import { DatabaseClient } from './database.client';
import { epochMs } from './sql-time';

/** Ids `fromId` to `toId` of a symbol, both inclusive. */
export interface HistoryIdRange {
  symbol: string;
  fromId: number;
  toId: number;
}

/** The times of the stored trades just outside a range: the newest below it and the oldest above it (null: none). */
export interface RangeNeighbours {
  belowTime: number | null;
  aboveTime: number | null;
}

/** The runs and blocks that may hold ids `$2`..`$3` of symbol `$1`: the row holding `$2` and every row starting inside. */
const ROWS_IN_RANGE = `(
  (SELECT first_id, last_id FROM trade_run WHERE symbol = $1 AND first_id <= $2 ORDER BY first_id DESC LIMIT 1)
  UNION ALL
  (SELECT first_id, last_id FROM trade_run WHERE symbol = $1 AND first_id > $2 AND first_id <= $3)
  UNION ALL
  (SELECT first_id, last_id FROM trade_block WHERE symbol = $1 AND first_id <= $2 ORDER BY first_id DESC LIMIT 1)
  UNION ALL
  (SELECT first_id, last_id FROM trade_block WHERE symbol = $1 AND first_id > $2 AND first_id <= $3)
)`;

/**
 * What the stored history holds of an id range, read from the bounds of its rows (runs and blocks, never their
 * payloads): how a gap handed to the archive is checked before it is resolved, and where its neighbours lie in time.
 */
@Injectable()
export class HistoryCoverageRepository {
  constructor(private readonly db: DatabaseClient) {}

  /**
   * How many ids of the range are stored. Runs and blocks never overlap each other (the history writer trims every
   * write to what is missing), so the overlaps of the rows with the range add up without counting an id twice.
   */
  async storedCount({ symbol, fromId, toId }: HistoryIdRange): Promise<number> {
    const { rows } = await this.db.query<{ stored: number }>(
      `SELECT coalesce(sum(least(last_id, $3) - greatest(first_id, $2) + 1), 0)::float8 AS stored
         FROM ${ROWS_IN_RANGE} AS c WHERE last_id >= $2`,
      [symbol, fromId, toId],
    );
    return rows[0]?.stored ?? 0;
  }

  /**
   * The time of the newest stored trade below `fromId` and of the oldest above `toId`: every trade of the range
   * lies between them (trade time never decreases along a symbol's ids). Two index probes per table.
   */
  async neighbours({ symbol, fromId, toId }: HistoryIdRange): Promise<RangeNeighbours> {
    const { rows } = await this.db.query<{ below: number | null; above: number | null }>(
      `SELECT
         (SELECT ${epochMs('last_time')} FROM (
            (SELECT last_id, last_time FROM trade_run WHERE symbol = $1 AND first_id < $2 ORDER BY first_id DESC LIMIT 1)
            UNION ALL
            (SELECT last_id, last_time FROM trade_block WHERE symbol = $1 AND first_id < $2 ORDER BY first_id DESC LIMIT 1)
          ) AS below ORDER BY last_id DESC LIMIT 1) AS below,
         (SELECT ${epochMs('first_time')} FROM (
            (SELECT first_id, first_time FROM trade_run WHERE symbol = $1 AND first_id > $3 ORDER BY first_id LIMIT 1)
            UNION ALL
            (SELECT first_id, first_time FROM trade_block WHERE symbol = $1 AND first_id > $3 ORDER BY first_id LIMIT 1)
          ) AS above ORDER BY first_id LIMIT 1) AS above`,
      [symbol, fromId, toId],
    );
    return { belowTime: rows[0]?.below ?? null, aboveTime: rows[0]?.above ?? null };
  }
}
