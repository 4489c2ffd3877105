import { Injectable } from '@nestjs/common';
import { DatabaseClient } from './database.client';
import type { TradeGap } from './generated/prisma/client';

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

export interface RecordTradeGapParams {
  symbol: string;
  fromId: number;
  toId: number | null;
  reason: string;
  /** A failed fill attempt to count in the same transaction, so nobody ever sees the gap without it. */
  attempt?: Omit<MarkTradeGapAttemptParams, 'id'>;
}

export interface MarkTradeGapAttemptParams {
  id: number;
  error: string;
  nextAttemptAt: Date;
}

/** Durable record of id ranges that could not be backfilled yet, with a retry schedule. */
@Injectable()
export class TradeGapRepository {
  constructor(private readonly db: DatabaseClient) {}

  /**
   * Idempotent for an open gap with the same range: returns it with `created: false`. Writers for one symbol are
   * serialized by a transaction-scoped advisory lock (a unique index cannot express "open" and nullable `toId`).
   */
  async record({ symbol, fromId, toId, reason, attempt }: RecordTradeGapParams): Promise<{ gap: TradeGapRecord; created: boolean }> {
    const attemptData = attempt && { lastError: attempt.error, nextAttemptAt: attempt.nextAttemptAt };
    return this.db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`trade_gap:${symbol}`}))`;
      const existing = await tx.tradeGap.findFirst({
        where: { symbol, fromId: BigInt(fromId), toId: toId === null ? null : BigInt(toId), resolvedAt: null },
      });
      if (existing) {
        const gap = attemptData
          ? await tx.tradeGap.update({ where: { id: existing.id }, data: { ...attemptData, attempts: { increment: 1 } } })
          : existing;
        return { gap: mapGap(gap), created: false };
      }
      const created = await tx.tradeGap.create({
        data: { symbol, fromId: BigInt(fromId), toId: toId === null ? null : BigInt(toId), reason, ...(attemptData && { ...attemptData, attempts: 1 }) },
      });
      return { gap: mapGap(created), created: true };
    });
  }

  async listOpen(symbol?: string): Promise<TradeGapRecord[]> {
    const gaps = await this.db.prisma.tradeGap.findMany({
      where: { resolvedAt: null, ...(symbol === undefined ? {} : { symbol }) },
      orderBy: [{ symbol: 'asc' }, { fromId: 'asc' }, { id: 'asc' }],
    });
    return gaps.map(mapGap);
  }

  /** Open gaps whose next attempt is due, oldest schedule first. */
  async due(now: Date, limit: number): Promise<TradeGapRecord[]> {
    // Polled every few seconds by every instance: raw SQL, so the Prisma client loads only once gaps exist.
    const { rows } = await this.db.pool.query<{
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
    }>(
      `SELECT id, symbol, from_id, to_id, reason, created_at, resolved_at, attempts, last_error, next_attempt_at
         FROM trade_gap WHERE resolved_at IS NULL AND next_attempt_at <= $1
        ORDER BY next_attempt_at, id LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => ({
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
    }));
  }

  /** Records a failed fill attempt; false when the gap is unknown or already resolved. */
  async markAttempt({ id, error, nextAttemptAt }: MarkTradeGapAttemptParams): Promise<boolean> {
    const { count } = await this.db.prisma.tradeGap.updateMany({
      where: { id, resolvedAt: null },
      data: { attempts: { increment: 1 }, lastError: error, nextAttemptAt },
    });
    return count > 0;
  }

  /** False when the gap is unknown or already resolved. */
  async resolve(id: number): Promise<boolean> {
    const { count } = await this.db.prisma.tradeGap.updateMany({
      where: { id, resolvedAt: null },
      data: { resolvedAt: new Date() },
    });
    return count > 0;
  }
}

function mapGap(gap: TradeGap): TradeGapRecord {
  return {
    id: gap.id,
    symbol: gap.symbol,
    fromId: Number(gap.fromId),
    toId: gap.toId === null ? null : Number(gap.toId),
    reason: gap.reason,
    createdAt: gap.createdAt,
    resolvedAt: gap.resolvedAt,
    attempts: gap.attempts,
    lastError: gap.lastError,
    nextAttemptAt: gap.nextAttemptAt,
  };
}
