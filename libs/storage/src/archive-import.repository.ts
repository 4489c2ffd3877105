import { Injectable } from '@nestjs/common';
import { DatabaseClient } from './database.client';

export type ArchiveImportStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ArchiveImportRecord {
  id: number;
  symbol: string;
  /** First and last UTC day, inclusive, `YYYY-MM-DD`. */
  fromDay: string;
  toDay: string;
  status: ArchiveImportStatus;
  /** Archive file keys to read, in order (`monthly/2024-01`, `daily/2024-02-03`). */
  files: string[];
  /** How many of `files`, from the first, are read and stored. */
  filesDone: number;
  missingFiles: string[];
  tradesStored: number;
  /** The highest id stored from `files[filesDone]`, null before its first batch. */
  checkpointId: number | null;
  error: string | null;
  owner: string | null;
  leaseUntil: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The gap (trade_gap.id) this import was created to fill, if the backfill handed it one. */
  gapId: number | null;
}

export interface CreateArchiveImportParams {
  symbol: string;
  fromDay: string;
  toDay: string;
  files: readonly string[];
}

/** Which import a claim may take: the oldest claimable one, one by id, or one for the same symbol and days. */
export type ArchiveImportMatch = { kind: 'any' } | { kind: 'id'; id: number } | { kind: 'same'; symbol: string; fromDay: string; toDay: string };

export interface ArchiveImportProgress {
  id: number;
  owner: string;
  leaseMs: number;
  filesDone: number;
  checkpointId: number | null;
  /** Trades stored since the last progress written. */
  addedTrades: number;
  /** Given when the file list changed (a month not published replaced by its days). */
  files?: readonly string[];
  missingFiles: readonly string[];
}

const COLUMNS = `id, symbol, to_char(from_day, 'YYYY-MM-DD') AS from_day, to_char(to_day, 'YYYY-MM-DD') AS to_day, status, files,
  files_done, missing_files, trades_stored::float8 AS trades_stored, checkpoint_id::float8 AS checkpoint_id, error, owner, lease_until,
  created_at, started_at, finished_at, gap_id`;

/** Imports not ended yet whose claim has run out (or never was): any instance may take them. */
const CLAIMABLE = `status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < now())`;

interface ArchiveImportRow {
  id: number;
  symbol: string;
  from_day: string;
  to_day: string;
  status: ArchiveImportStatus;
  files: string[];
  files_done: number;
  missing_files: string[];
  trades_stored: number;
  checkpoint_id: number | null;
  error: string | null;
  owner: string | null;
  lease_until: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  gap_id: number | null;
}

/**
 * `archive_import`: imports of history from Binance's public data archive and how far each got. An import is run by
 * one instance at a time: a claim takes it with `FOR UPDATE SKIP LOCKED` and a lease on PostgreSQL's clock, every
 * progress renews the lease (and fails once the import was cancelled or taken over), and a lease that runs out lets
 * another instance take it over where its progress says.
 */
@Injectable()
export class ArchiveImportRepository {
  constructor(private readonly db: DatabaseClient) {}

  async create({ symbol, fromDay, toDay, files }: CreateArchiveImportParams): Promise<ArchiveImportRecord> {
    const { rows } = await this.db.query<ArchiveImportRow>(
      `INSERT INTO archive_import (symbol, from_day, to_day, files) VALUES ($1, $2::date, $3::date, $4::text[]) RETURNING ${COLUMNS}`,
      [symbol, fromDay, toDay, files],
    );
    return mapRow(rows[0] as ArchiveImportRow);
  }

  /**
   * Creates the import that fills gap `gapId`; null when the gap has had one already (whatever became of it): a gap
   * the archive did not fill is left to REST, never imported again.
   */
  async createForGap({ symbol, fromDay, toDay, files, gapId }: CreateArchiveImportParams & { gapId: number }): Promise<ArchiveImportRecord | null> {
    const { rows } = await this.db.query<ArchiveImportRow>(
      `INSERT INTO archive_import (symbol, from_day, to_day, files, gap_id) VALUES ($1, $2::date, $3::date, $4::text[], $5)
       ON CONFLICT (gap_id) DO NOTHING RETURNING ${COLUMNS}`,
      [symbol, fromDay, toDay, files, gapId],
    );
    return rows[0] === undefined ? null : mapRow(rows[0]);
  }

  /** The import created for gap `gapId`, if it had one. */
  async findByGap(gapId: number): Promise<ArchiveImportRecord | null> {
    const { rows } = await this.db.query<ArchiveImportRow>(`SELECT ${COLUMNS} FROM archive_import WHERE gap_id = $1`, [gapId]);
    return rows[0] === undefined ? null : mapRow(rows[0]);
  }

  async get(id: number): Promise<ArchiveImportRecord | null> {
    const { rows } = await this.db.query<ArchiveImportRow>(`SELECT ${COLUMNS} FROM archive_import WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : mapRow(rows[0]);
  }

  /** A symbol's imports, newest first. */
  async list(symbol: string, limit: number): Promise<ArchiveImportRecord[]> {
    const { rows } = await this.db.query<ArchiveImportRow>(`SELECT ${COLUMNS} FROM archive_import WHERE symbol = $1 ORDER BY id DESC LIMIT $2`, [
      symbol,
      limit,
    ]);
    return rows.map(mapRow);
  }

  /**
   * Takes an import that is queued, or running under a claim that ran out (its instance died), for `owner` until
   * `leaseMs` from now; null when there is none. Another instance's claim in the same moment skips the row.
   */
  async claim({ owner, leaseMs, match }: { owner: string; leaseMs: number; match: ArchiveImportMatch }): Promise<ArchiveImportRecord | null> {
    const filter =
      match.kind === 'id' ? 'AND id = $3' : match.kind === 'same' ? 'AND symbol = $3 AND from_day = $4::date AND to_day = $5::date' : '';
    const values = match.kind === 'id' ? [match.id] : match.kind === 'same' ? [match.symbol, match.fromDay, match.toDay] : [];
    const { rows } = await this.db.query<ArchiveImportRow>(
      `UPDATE archive_import SET status = 'running', owner = $1, lease_until = now() + $2 * interval '1 millisecond',
              started_at = coalesce(started_at, now())
        WHERE id = (SELECT id FROM archive_import WHERE ${CLAIMABLE} ${filter} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}`,
      [owner, leaseMs, ...values],
    );
    return rows[0] === undefined ? null : mapRow(rows[0]);
  }

  /**
   * Writes how far the import got and renews its claim. False when the claim is lost: the import was cancelled, or
   * another instance took it over after this one's lease ran out; the caller must stop.
   */
  async progress({ id, owner, leaseMs, filesDone, checkpointId, addedTrades, files, missingFiles }: ArchiveImportProgress): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE archive_import SET files_done = $3, checkpoint_id = $4, trades_stored = trades_stored + $5,
              files = coalesce($6::text[], files), missing_files = $7::text[], lease_until = now() + $8 * interval '1 millisecond'
        WHERE id = $1 AND owner = $2 AND status = 'running'`,
      [id, owner, filesDone, checkpointId, addedTrades, files ?? null, missingFiles, leaseMs],
    );
    return rowCount === 1;
  }

  /** Ends a claimed import as `done` or `failed`; false when the claim was lost first. */
  async finish({ id, owner, status, error }: { id: number; owner: string; status: 'done' | 'failed'; error?: string }): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE archive_import SET status = $3, error = $4, finished_at = now(), owner = NULL, lease_until = NULL
        WHERE id = $1 AND owner = $2 AND status = 'running'`,
      [id, owner, status, error ?? null],
    );
    return rowCount === 1;
  }

  /** Gives a claimed import back (this instance is stopping): queued again, any instance may take it at once. */
  async release({ id, owner }: { id: number; owner: string }): Promise<void> {
    await this.db.query(`UPDATE archive_import SET status = 'queued', owner = NULL, lease_until = NULL WHERE id = $1 AND owner = $2 AND status = 'running'`, [
      id,
      owner,
    ]);
  }

  /** Cancels an import not ended yet; its runner stops at its next progress. Returns it as it is afterwards, null if unknown. */
  async cancel(id: number): Promise<ArchiveImportRecord | null> {
    const { rows } = await this.db.query<ArchiveImportRow>(
      `UPDATE archive_import SET status = 'cancelled', finished_at = now(), owner = NULL, lease_until = NULL
        WHERE id = $1 AND status IN ('queued', 'running') RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0] === undefined ? this.get(id) : mapRow(rows[0]);
  }
}

function mapRow(row: ArchiveImportRow): ArchiveImportRecord {
  return {
    id: row.id,
    symbol: row.symbol,
    fromDay: row.from_day,
    toDay: row.to_day,
    status: row.status,
    files: row.files ?? [],
    filesDone: row.files_done,
    missingFiles: row.missing_files ?? [],
    tradesStored: row.trades_stored,
    checkpointId: row.checkpoint_id,
    error: row.error,
    owner: row.owner,
    leaseUntil: row.lease_until,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    gapId: row.gap_id,
  };
}
