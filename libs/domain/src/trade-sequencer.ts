/** A closed range of aggregate trade ids that was not received live. */
export interface IdRange {
  fromId: number;
  toId: number;
}

export type SequenceVerdict =
  | { kind: 'next' }
  | { kind: 'first' }
  | { kind: 'gap'; missing: IdRange }
  | { kind: 'stale' };

/**
 * Follows the live aggregate trade ids of each symbol. Binance numbers a symbol's aggregate trades consecutively,
 * so a jump between two consecutive live ids is a gap to backfill, and an id at or below the highest seen is a
 * duplicate (a reconnect overlap or a second connection during renewal) that must not be processed twice.
 */
export class TradeSequencer {
  private readonly lastIds = new Map<string, number>();

  /** Sets the id history is known to be complete up to (e.g. the last stored id at startup). */
  resumeFrom(symbol: string, lastId: number): void {
    const current = this.lastIds.get(symbol);
    if (current === undefined || lastId > current) {
      this.lastIds.set(symbol, lastId);
    }
  }

  forget(symbol: string): void {
    this.lastIds.delete(symbol);
  }

  lastId(symbol: string): number | undefined {
    return this.lastIds.get(symbol);
  }

  observe(symbol: string, tradeId: number): SequenceVerdict {
    const last = this.lastIds.get(symbol);
    if (last === undefined) {
      this.lastIds.set(symbol, tradeId);
      return { kind: 'first' };
    }
    if (tradeId <= last) {
      return { kind: 'stale' };
    }
    this.lastIds.set(symbol, tradeId);
    if (tradeId === last + 1) {
      return { kind: 'next' };
    }
    return { kind: 'gap', missing: { fromId: last + 1, toId: tradeId - 1 } };
  }
}
