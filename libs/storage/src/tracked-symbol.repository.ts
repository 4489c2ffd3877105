import { Injectable } from '@nestjs/common';
import { DatabaseClient } from './database.client';

export interface TrackedSymbolRecord {
  symbol: string;
  addedAt: Date;
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

  private get symbols() {
    return this.db.prisma.trackedSymbol;
  }

  async listActive(): Promise<TrackedSymbolRecord[]> {
    return this.symbols.findMany({
      where: { removedAt: null },
      select: { symbol: true, addedAt: true },
      orderBy: [{ addedAt: 'asc' }, { symbol: 'asc' }],
    });
  }

  /**
   * Idempotent. Each step is a single conditional statement, so concurrent adds of the same symbol report
   * `created: true` exactly once.
   */
  async add(symbol: string): Promise<AddTrackedSymbolResult> {
    const now = new Date();
    const reactivated = await this.symbols.updateMany({
      where: { symbol, removedAt: { not: null } },
      data: { removedAt: null, addedAt: now },
    });
    let created = reactivated.count > 0;
    if (!created) {
      const inserted = await this.symbols.createMany({ data: [{ symbol, addedAt: now }], skipDuplicates: true });
      created = inserted.count > 0;
    }
    const record = await this.symbols.findUniqueOrThrow({
      where: { symbol },
      select: { symbol: true, addedAt: true },
    });
    return { record, created };
  }

  /** Soft-deletes; false when the symbol was not active. */
  async remove(symbol: string): Promise<boolean> {
    const { count } = await this.symbols.updateMany({
      where: { symbol, removedAt: null },
      data: { removedAt: new Date() },
    });
    return count > 0;
  }

  /**
   * A value that changes whenever the list does (an add, a removal, a re-add): polling it costs one index-free
   * aggregate over a small table instead of reading the whole list.
   */
  async changeStamp(): Promise<string> {
    const { rows } = await this.db.pool.query<{ stamp: string }>(
      `SELECT count(*)::text || '/' || coalesce(max(added_at)::text, '') || '/' || coalesce(max(removed_at)::text, '') AS stamp
         FROM tracked_symbol`,
    );
    return rows[0].stamp;
  }

  async isActive(symbol: string): Promise<boolean> {
    return (await this.symbols.count({ where: { symbol, removedAt: null } })) > 0;
  }

  async wasEverTracked(symbol: string): Promise<boolean> {
    return (await this.symbols.count({ where: { symbol } })) > 0;
  }
}
