import { Injectable } from '@nestjs/common';
import { DatabaseClient } from './database.client';

export interface TradeGapRecord {
  id: number;
  symbol: string;
  /** First missing aggregate id, inclusive. */
  fromId: number;
  /** Last missing aggregate id, inclusive; null means "up to whatever comes next". */
  toId: number | null;
  reason: string;
  createdAt: Date;
  resolvedAt: Date | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
}

/** An open gap as listed: with the archive import filling it, while one is queued or running (REST fills the rest). */
export interface OpenTradeGap extends TradeGapRecord {
  archiveImportId: number | null;
}

/** Imports still to end: a gap one of them fills is not the backfill's to take. */
const ACTIVE_IMPORT = `a.status IN ('queued', 'running')`;

export interface RecordTradeGapParams {
  symbol: string;
  fromId: number;
  toId: number | null;
  reason: string;
  /** A failed fill attempt to count in the same transaction, so nobody ever sees the gap without it. */
  attempt?: Omit<MarkTradeGapAttemptParams, 'id'>;
}

/** A range found missing, recorded before it is fetched. */
export interface FoundTradeGap {
  symbol: string;
  fromId: number;
  toId: number | null;
  reason: string;
  /** When it is due, if not at the `dueAt` of the call that records it (a quarantined trade: practically never). */
  dueAt?: Date;
}

/**
 * A gap whose reason starts with this holds trades that were refused as impossible (quarantined): it is recorded due
 * far in the future, so no sweep fetches it again, and a fill over its ids does not resolve it, since the trade it
 * stands for was not stored. Marked by its reason because a new column would need a migration.
 */
export const QUARANTINED_GAP_REASON_PREFIX = 'quarantined: ';

/** A finished fill: the gap it was for, if any, and the ids of a symbol it stored, if any (both inclusive). */
export interface FilledTradeRange {
  gapId: number | null;
  stored: { symbol: string; fromId: number; toId: number } | null;
}

export interface MarkTradeGapAttemptParams {
  id: number;
  error: string;
  nextAttemptAt: Date;
}

const GAP_COLUMNS = 'id, symbol, from_id, to_id, reason, created_at, resolved_at, attempts, last_error, next_attempt_at';

interface TradeGapRow {
  id: number;
  symbol: string;
  from_id: string;
  to_id: string | null;
  reason: string;
  created_at: Date;
  resolved_at: Date | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
}

/** Durable record of id ranges known to be missing, with a retry schedule. */
@Injectable()
export class TradeGapRepository {
  constructor(private readonly db: DatabaseClient) {}

  /**
   * Idempotent for an open gap with the same range: returns it with `created: false`. Writers for one symbol are
   * serialized by a transaction-scoped advisory lock (a unique index cannot express "open" and nullable `toId`).
   */
  async record({ symbol, fromId, toId, reason, attempt }: RecordTradeGapParams): Promise<{ gap: TradeGapRecord; created: boolean }> {
    return this.db.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`trade_gap:${symbol}`]);
      const existing = await client.query<TradeGapRow>(
        `SELECT ${GAP_COLUMNS} FROM trade_gap
          WHERE symbol = $1 AND from_id = $2 AND to_id IS NOT DISTINCT FROM $3 AND resolved_at IS NULL
          ORDER BY id LIMIT 1`,
        [symbol, fromId, toId],
      );
      let row: TradeGapRow;
      let created = false;
      if (existing.rows[0] === undefined) {
        const inserted = await client.query<TradeGapRow>(
          `INSERT INTO trade_gap (symbol, from_id, to_id, reason, attempts, last_error, next_attempt_at)
           VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now())) RETURNING ${GAP_COLUMNS}`,
          [symbol, fromId, toId, reason, attempt ? 1 : 0, attempt?.error ?? null, attempt?.nextAttemptAt ?? null],
        );
        row = inserted.rows[0];
        created = true;
      } else if (attempt) {
        const updated = await client.query<TradeGapRow>(
          `UPDATE trade_gap SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1
           RETURNING ${GAP_COLUMNS}`,
          [existing.rows[0].id, attempt.error, attempt.nextAttemptAt],
        );
        row = updated.rows[0];
      } else {
        row = existing.rows[0];
      }
      return { gap: mapRow(row), created };
    });
  }

  /**
   * Records ranges the moment they are found, in one transaction, each due at `dueAt` (the finder fills it meanwhile;
   * if the finder dies, whoever sweeps next takes it up). An open gap with the same range is reused, as in `record`.
   * Returns each range's gap id, in order.
   */
  async recordFound(found: readonly FoundTradeGap[], dueAt: Date): Promise<number[]> {
    if (found.length === 0) {
      return [];
    }
    return this.db.transaction(async (client) => {
      await client.query(
        `SELECT pg_advisory_xact_lock(hashtext('trade_gap:' || symbol)) FROM (SELECT DISTINCT unnest($1::text[]) AS symbol ORDER BY 1) AS symbols`,
        [found.map((gap) => gap.symbol)],
      );
      const { rows } = await client.query<{ id: number }>(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::timestamptz[])
             WITH ORDINALITY AS i (symbol, from_id, to_id, reason, due_at, n)
         ), existing AS (
           SELECT DISTINCT ON (i.n) i.n, g.id FROM input i
             JOIN trade_gap g ON g.symbol = i.symbol AND g.from_id = i.from_id AND g.to_id IS NOT DISTINCT FROM i.to_id AND g.resolved_at IS NULL
            ORDER BY i.n, g.id
         ), inserted AS (
           INSERT INTO trade_gap (symbol, from_id, to_id, reason, next_attempt_at)
           SELECT DISTINCT ON (i.symbol, i.from_id, i.to_id) i.symbol, i.from_id, i.to_id, i.reason, i.due_at
             FROM input i WHERE i.n NOT IN (SELECT n FROM existing)
            ORDER BY i.symbol, i.from_id, i.to_id, i.n
           RETURNING id, symbol, from_id, to_id
         )
         SELECT coalesce(e.id, ins.id) AS id FROM input i
           LEFT JOIN existing e ON e.n = i.n
           LEFT JOIN inserted ins ON ins.symbol = i.symbol AND ins.from_id = i.from_id AND ins.to_id IS NOT DISTINCT FROM i.to_id
          ORDER BY i.n`,
        [
          found.map((gap) => gap.symbol),
          found.map((gap) => gap.fromId),
          found.map((gap) => gap.toId),
          found.map((gap) => gap.reason),
          found.map((gap) => gap.dueAt ?? dueAt),
        ],
      );
      return rows.map((row) => row.id);
    });
  }

  /**
   * Makes these open gaps due now: a stopping instance hands what it was filling to the next owner. "Now" is this
   * process's clock, like every schedule `due` compares: PostgreSQL's now() rounded to the column's milliseconds can
   * land half a millisecond after a `due(new Date())` asked right away.
   */
  async makeDue(ids: readonly number[]): Promise<void> {
    if (ids.length > 0) {
      await this.db.query('UPDATE trade_gap SET next_attempt_at = $2 WHERE id = ANY($1::int[]) AND resolved_at IS NULL', [
        ids,
        new Date(),
      ]);
    }
  }

  /** Open gaps, of one symbol or all, by symbol and start, each with the archive import filling it, if any. */
  async listOpen(symbol?: string): Promise<OpenTradeGap[]> {
    const { rows } = await this.db.query<TradeGapRow & { archive_import_id: number | null }>(
      `SELECT ${GAP_COLUMNS.split(', ').map((column) => `g.${column}`).join(', ')}, a.id AS archive_import_id
         FROM trade_gap g LEFT JOIN archive_import a ON a.gap_id = g.id AND ${ACTIVE_IMPORT}
        WHERE g.resolved_at IS NULL AND ($1::text IS NULL OR g.symbol = $1)
        ORDER BY g.symbol, g.from_id, g.id`,
      [symbol ?? null],
    );
    return rows.map((row) => ({ ...mapRow(row), archiveImportId: row.archive_import_id }));
  }

  /** Open gaps whose next attempt is due, oldest schedule first. */
  async due(now: Date, limit: number): Promise<TradeGapRecord[]> {
    const { rows } = await this.db.query<TradeGapRow>(
      `SELECT ${GAP_COLUMNS} FROM trade_gap WHERE resolved_at IS NULL AND next_attempt_at <= $1
        ORDER BY next_attempt_at, id LIMIT $2`,
      [now, limit],
    );
    return rows.map(mapRow);
  }

  /** Records a failed fill attempt; false when the gap is unknown or already resolved. */
  async markAttempt({ id, error, nextAttemptAt }: MarkTradeGapAttemptParams): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE trade_gap SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1 AND resolved_at IS NULL',
      [id, error, nextAttemptAt],
    );
    return rowCount === 1;
  }

  /** False when the gap is unknown or already resolved. */
  async resolve(id: number): Promise<boolean> {
    return (await this.resolveFilled([{ gapId: id, stored: null }])) === 1;
  }

  /**
   * Marks resolved the gaps these fills were for and every other open gap of the same symbol lying wholly inside a
   * filled range (say, one an instance recorded before it died, filled since by the next owner's own catch-up), except
   * quarantined ones: their trade was refused, not stored. Returns how many were open.
   */
  async resolveFilled(fills: readonly FilledTradeRange[]): Promise<number> {
    const { rowCount } = await this.db.query(
      // A fill's own gap gets back the start its progress checkpoints moved: the row keeps the range that was missing.
      `UPDATE trade_gap g SET resolved_at = now(),
              from_id = CASE WHEN g.id = f.gap_id THEN least(g.from_id, coalesce(f.from_id, g.from_id)) ELSE g.from_id END
         FROM unnest($1::int[], $2::text[], $3::bigint[], $4::bigint[]) AS f(gap_id, symbol, from_id, to_id)
        WHERE g.resolved_at IS NULL
          AND (g.id = f.gap_id OR (g.symbol = f.symbol AND g.from_id >= f.from_id AND g.to_id <= f.to_id
                                   AND g.reason NOT LIKE '${QUARANTINED_GAP_REASON_PREFIX}%'))`,
      [
        fills.map((fill) => fill.gapId),
        fills.map((fill) => fill.stored?.symbol ?? null),
        fills.map((fill) => fill.stored?.fromId ?? null),
        fills.map((fill) => fill.stored?.toId ?? null),
      ],
    );
    return rowCount ?? 0;
  }

  /**
   * Takes the gaps due a retry now, of symbols still tracked, oldest first, and postpones each by `claimMs` in the same
   * statement (on PostgreSQL's clock), so the sweeps of other instances do not take them too; a claimer that dies
   * leaves them due again once the claim runs out. A removed symbol's gaps wait until it is added again, and a gap an
   * archive import fills until that import ends.
   */
  async claimDue({ limit, claimMs }: { limit: number; claimMs: number }): Promise<TradeGapRecord[]> {
    const { rows } = await this.db.query<TradeGapRow>(
      `UPDATE trade_gap SET next_attempt_at = now() + $2 * interval '1 millisecond'
        WHERE id IN (
          SELECT g.id FROM trade_gap g
          JOIN tracked_symbol t ON t.symbol = g.symbol AND t.removed_at IS NULL
          WHERE g.resolved_at IS NULL AND g.next_attempt_at <= now()
            AND NOT EXISTS (SELECT 1 FROM archive_import a WHERE a.gap_id = g.id AND ${ACTIVE_IMPORT})
          ORDER BY g.next_attempt_at, g.id LIMIT $1
          FOR UPDATE OF g SKIP LOCKED)
        RETURNING ${GAP_COLUMNS}`,
      [limit, claimMs],
    );
    return rows.map(mapRow).sort((a, b) => a.id - b.id);
  }

  /**
   * A fill's progress: the open gap now starts at `fromId` (the trades below are stored) and stays claimed for
   * `claimMs` more. False when the gap is unknown, resolved, or `fromId` lies past its end.
   */
  async checkpoint({ id, fromId, claimMs }: { id: number; fromId: number; claimMs: number }): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE trade_gap SET from_id = greatest(from_id, $2),
              next_attempt_at = greatest(next_attempt_at, now() + $3 * interval '1 millisecond')
        WHERE id = $1 AND resolved_at IS NULL AND (to_id IS NULL OR to_id >= $2)`,
      [id, fromId, claimMs],
    );
    return rowCount === 1;
  }

  /** Deletes gaps resolved before `before`; returns how many. Open gaps are never deleted. */
  async pruneResolved(before: Date): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM trade_gap WHERE resolved_at < $1', [before]);
    return rowCount ?? 0;
  }
}

function mapRow(row: TradeGapRow): TradeGapRecord {
  return {
    id: row.id,
    symbol: row.symbol,
    fromId: Number(row.from_id),
    toId: row.to_id === null ? null : Number(row.to_id),
    reason: row.reason,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
  };
}
