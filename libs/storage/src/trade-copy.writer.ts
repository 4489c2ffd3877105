import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DatabaseClient } from './database.client';
import { PgErrorCode, pgErrorCode } from './pg-error';
import { inTransaction } from './transaction';

const STAGE_ATTEMPTS = 3;

const COPY_COLUMNS = 'symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time, is_buyer_maker';

// Rows go in `symbol COLLATE "C", trade_id` order (then first occurrence first), the order TradeCopyBatch seals
// live rows in, so concurrent writers with overlapping batches wait on each other instead of deadlocking; ON
// CONFLICT DO NOTHING makes replays and duplicates no-ops.
const INSERT_FROM_STAGE = `
  INSERT INTO agg_trade (${COPY_COLUMNS})
  SELECT ${COPY_COLUMNS} FROM agg_trade_stage
  ORDER BY symbol COLLATE "C", trade_id, seq
  ON CONFLICT DO NOTHING`;

const STAGE_TABLE = `
  CREATE TEMP TABLE IF NOT EXISTS agg_trade_stage (
    symbol text, trade_id bigint, price numeric, quantity numeric, first_trade_id bigint, last_trade_id bigint,
    trade_time timestamptz, is_buyer_maker boolean, seq bigserial
  ) ON COMMIT DELETE ROWS`;

/** The hot write path: stores the COPY rows a TradeCopyBatch sealed into `agg_trade`, idempotently. */
@Injectable()
export class TradeCopyWriter {
  /** Connections that already have the session-local staging table. */
  private readonly staged = new WeakSet<PoolClient>();

  constructor(private readonly db: DatabaseClient) {}

  /**
   * Stores the sealed rows of a TradeCopyBatch idempotently; returns how many were new. Live rows are new, so they
   * are first COPied straight into `agg_trade`: one round trip, each row written once. COPY is all-or-nothing, and
   * outside a transaction block it is its own transaction, so when a row is already stored (a replay, a backfill
   * overlap, a racing writer) it leaves nothing behind and the connection is idle again; only then do the rows go
   * through a staging table and one set-based insert that skips stored rows, in a fresh transaction. The whole call
   * is bounded by the call deadline (DatabaseClient.withClient): a COPY cut off by a silent connection fails, and
   * the retry writes on a fresh connection.
   */
  async insertCopyRows(payload: Buffer, rows: number): Promise<number> {
    if (rows === 0) {
      return 0;
    }
    // A connection that failed mid-COPY may be in an unknown protocol state: withClient discards it after any failure.
    return this.db.withClient(async (client) => {
      try {
        await copyIn(client, `COPY agg_trade (${COPY_COLUMNS}) FROM STDIN`, payload);
        return rows;
      } catch (error) {
        const code = pgErrorCode(error);
        if (code !== PgErrorCode.uniqueViolation && code !== PgErrorCode.deadlockDetected) {
          throw error;
        }
      }
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await this.insertThroughStage(client, payload);
        } catch (error) {
          // Batches whose rows are not in ascending order per symbol can still deadlock with a racing writer;
          // the victim's transaction rolled back, so trying again is safe.
          if (pgErrorCode(error) !== PgErrorCode.deadlockDetected || attempt === STAGE_ATTEMPTS) {
            throw error;
          }
        }
      }
    });
  }

  /** COPY into a session-local staging table, then one set-based insert that skips stored rows. */
  private async insertThroughStage(client: PoolClient, payload: Buffer): Promise<number> {
    if (!this.staged.has(client)) {
      await client.query(STAGE_TABLE);
      this.staged.add(client);
    }
    return inTransaction(client, async () => {
      await copyIn(client, `COPY agg_trade_stage (${COPY_COLUMNS}) FROM STDIN`, payload);
      const { rowCount } = await client.query(INSERT_FROM_STAGE);
      return rowCount ?? 0;
    });
  }
}

/**
 * Sends `payload` as the whole COPY data and ends the stream once it has left, unless the server already failed
 * the COPY (pg-copy-streams drops its connection on an error, so ending it then would only raise a second error).
 * After an error the server ignores the COPY data still arriving and answers ReadyForQuery, and pg queues the next
 * query until then, so the connection stays usable.
 */
function copyIn(client: PoolClient, sql: string, payload: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    let failed = false;
    stream.on('error', (error: Error) => {
      failed = true;
      reject(error);
    });
    stream.on('finish', resolve);
    stream.write(payload, (error) => {
      if (!error && !failed) {
        stream.end();
      }
    });
  });
}
