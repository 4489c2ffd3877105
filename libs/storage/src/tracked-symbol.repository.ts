import { Injectable } from '@nestjs/common';
import { DatabaseClient } from './database.client';

export interface TrackedSymbolRecord {
  symbol: string;
  addedAt: Date;
}

/** A symbol added recently whose trades since its addition are not yet confirmed stored. */
export interface SinceAddedFill {
  symbol: string;
  addedAt: Date;
  /** The oldest trade stored for it, if any: the trades since its addition end below this id. */
  firstStoredId: number | null;
}

export interface AddTrackedSymbolResult {
  record: TrackedSymbolRecord;
  /** False when the symbol was already active; true when new or re-activated after a removal. */
  created: boolean;
}

/** The set of symbols the service streams. Removal is soft so "was this ever tracked?" stays answerable. */
@Injectable()
export class TrackedSymbolRepository {
  constructor(private readonly db: DatabaseClient) {}

  /** Polled by every instance. */
  async listActive(): Promise<TrackedSymbolRecord[]> {
    const { rows } = await this.db.query<{ symbol: string; added_at: Date }>(
      'SELECT symbol, added_at FROM tracked_symbol WHERE removed_at IS NULL ORDER BY added_at, symbol',
    );
    return rows.map((row) => ({ symbol: row.symbol, addedAt: row.added_at }));
  }

  /**
   * Idempotent, and `created: true` exactly once under concurrent adds: re-activation and insertion are each one
   * conditional statement, so a second writer waiting on the row finds nothing left to do. One round trip for a new
   * or re-added symbol.
   */
  async add(symbol: string): Promise<AddTrackedSymbolResult> {
    const { rows } = await this.db.query<{ reactivated_at: Date | null; inserted_at: Date | null }>(
      `WITH reactivated AS (
         UPDATE tracked_symbol SET removed_at = NULL, added_at = now(), since_added_filled_at = NULL
          WHERE symbol = $1 AND removed_at IS NOT NULL
         RETURNING added_at
       ), inserted AS (
         INSERT INTO tracked_symbol (symbol, added_at) SELECT $1, now() WHERE NOT EXISTS (SELECT 1 FROM reactivated)
         ON CONFLICT (symbol) DO NOTHING
         RETURNING added_at
       )
       SELECT (SELECT added_at FROM reactivated) AS reactivated_at, (SELECT added_at FROM inserted) AS inserted_at`,
      [symbol],
    );
    const addedAt = rows[0].reactivated_at ?? rows[0].inserted_at;
    if (addedAt !== null) {
      return { record: { symbol, addedAt }, created: true };
    }
    const existing = await this.db.query<{ added_at: Date }>('SELECT added_at FROM tracked_symbol WHERE symbol = $1', [symbol]);
    return { record: { symbol, addedAt: existing.rows[0].added_at }, created: false };
  }

  /** Soft-deletes; false when the symbol was not active. */
  async remove(symbol: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE tracked_symbol SET removed_at = now() WHERE symbol = $1 AND removed_at IS NULL`,
      [symbol],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * A value that changes whenever the list does (an add, a removal, a re-add): polling it costs one aggregate over a
   * small table instead of reading and comparing the whole list. It is a digest of every row, not the latest time
   * anything changed: with times, a change stamped earlier than one already seen (an instance whose clock lags, a
   * transaction that commits after a later one) would go unnoticed, while any change of a row changes the digest.
   */
  async changeStamp(): Promise<string> {
    const { rows } = await this.db.query<{ stamp: string }>(
      `SELECT count(*)::text || '/' || coalesce(md5(string_agg(symbol || ' ' || added_at::text || ' ' || coalesce(removed_at::text, '-'), ',' ORDER BY symbol)), '')
                AS stamp
         FROM tracked_symbol`,
    );
    return rows[0].stamp;
  }

  /** Of `symbols`, the active symbols added at or after `addedSince` whose trades since their addition are not yet stored. */
  async sinceAddedUnfilled(symbols: readonly string[], addedSince: Date): Promise<Map<string, SinceAddedFill>> {
    const { rows } = await this.db.query<{ symbol: string; added_at: Date; first_id: number | null }>(
      `SELECT t.symbol, t.added_at, f.trade_id AS first_id
         FROM tracked_symbol t
         LEFT JOIN LATERAL (
           SELECT min(first_id)::float8 AS trade_id FROM (
             (SELECT first_id FROM trade_run r WHERE r.symbol = t.symbol ORDER BY r.first_id LIMIT 1)
             UNION ALL
             (SELECT first_id FROM trade_block b WHERE b.symbol = t.symbol ORDER BY b.first_id LIMIT 1)
           ) AS firsts
         ) AS f ON true
        WHERE t.symbol = ANY($1::text[]) AND t.removed_at IS NULL AND t.since_added_filled_at IS NULL AND t.added_at >= $2`,
      [symbols, addedSince],
    );
    return new Map(rows.map((row) => [row.symbol, { symbol: row.symbol, addedAt: row.added_at, firstStoredId: row.first_id }]));
  }

  /**
   * Marks each symbol's trades since `addedAt` as stored; a symbol removed and added again since then has a newer `addedAt`
   * and stays unmarked.
   */
  async markSinceAddedFilled(fills: ReadonlyArray<{ symbol: string; addedAt: Date }>): Promise<void> {
    await this.db.query(
      `UPDATE tracked_symbol t SET since_added_filled_at = $3
         FROM unnest($1::text[], $2::timestamptz[]) AS f(symbol, added_at)
        WHERE t.symbol = f.symbol AND t.added_at = f.added_at AND t.since_added_filled_at IS NULL`,
      [fills.map((fill) => fill.symbol), fills.map((fill) => fill.addedAt), new Date()],
    );
  }

  async isActive(symbol: string): Promise<boolean> {
    const { rows } = await this.db.query<{ found: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM tracked_symbol WHERE symbol = $1 AND removed_at IS NULL) AS found',
      [symbol],
    );
    return rows[0].found;
  }

  async wasEverTracked(symbol: string): Promise<boolean> {
    const { rows } = await this.db.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM tracked_symbol WHERE symbol = $1) AS found', [
      symbol,
    ]);
    return rows[0].found;
  }
}
