/** A closed range of aggregate trade ids that was not received live. */
export interface IdRange {
  fromId: number;
  toId: number;
}

export type SequenceVerdict =
  | { kind: 'next' }
  | { kind: 'first' }
  | { kind: 'gap'; missing: IdRange }
  /** At or below the last id and not newer: a duplicate (a reconnect overlap, a second connection during renewal). */
  | { kind: 'stale' }
  /** Below the last id but newer in time: the symbol's ids started again (a relisting). Followed from this id on. */
  | { kind: 'reset'; lastId: number }
  /** Above the last id by more than the time elapsed makes plausible, or with a time going backwards. Not followed. */
  | { kind: 'suspect'; lastId: number };

/**
 * How far ids may plausibly jump: `JUMP_SLACK_IDS` plus `MAX_IDS_PER_SECOND` for every second between the two trades.
 * Binance's busiest symbols make a few thousand aggregate trades per second at their peaks, so a jump beyond this is
 * not trades missed but an id that is wrong, and following it would freeze the symbol (every real id after it stale).
 */
export const MAX_IDS_PER_SECOND = 10_000;
export const JUMP_SLACK_IDS = 100_000;

const NEXT: SequenceVerdict = Object.freeze({ kind: 'next' });
const FIRST: SequenceVerdict = Object.freeze({ kind: 'first' });
const STALE: SequenceVerdict = Object.freeze({ kind: 'stale' });

/** The last id followed for a symbol and its trade time (NaN when it came without one). Mutated, never replaced. */
interface Position {
  id: number;
  time: number;
}

/**
 * Follows the live aggregate trade ids of each symbol. Binance numbers a symbol's aggregate trades consecutively and
 * in time order, so a jump between two consecutive live ids is a gap to backfill, and an id at or below the highest
 * seen is a duplicate that must not be processed twice. Two discontinuities are told apart from those, by time: a
 * lower id with a newer time is a reset (followed from there), and a jump the elapsed time cannot explain, or a higher
 * id with an older time, is suspect (not followed until someone confirms it). The checks run only off the common
 * path: a next id costs one comparison, as before.
 */
export class TradeSequencer {
  private readonly positions = new Map<string, Position>();

  /** Sets the id history is known to be complete up to (e.g. the last stored id at startup), never lowering it. */
  resumeFrom(symbol: string, lastId: number, lastTime = Number.NaN): void {
    const position = this.positions.get(symbol);
    if (position === undefined) {
      this.positions.set(symbol, { id: lastId, time: lastTime });
    } else if (lastId > position.id) {
      position.id = lastId;
      position.time = lastTime;
    }
  }

  forget(symbol: string): void {
    this.positions.delete(symbol);
  }

  lastId(symbol: string): number | undefined {
    return this.positions.get(symbol)?.id;
  }

  /** `tradeTime` may be left out (as by callers that know none); the time rules then do not apply. */
  observe(symbol: string, tradeId: number, tradeTime = Number.NaN): SequenceVerdict {
    const position = this.positions.get(symbol);
    if (position === undefined) {
      this.positions.set(symbol, { id: tradeId, time: tradeTime });
      return FIRST;
    }
    const last = position.id;
    if (tradeId === last + 1) {
      position.id = tradeId;
      position.time = tradeTime;
      return NEXT;
    }
    if (tradeId <= last) {
      if (tradeTime > position.time) {
        position.id = tradeId;
        position.time = tradeTime;
        return { kind: 'reset', lastId: last };
      }
      return STALE;
    }
    if (!isPlausibleJump(tradeId - last, tradeTime - position.time)) {
      return { kind: 'suspect', lastId: last };
    }
    position.id = tradeId;
    position.time = tradeTime;
    return { kind: 'gap', missing: { fromId: last + 1, toId: tradeId - 1 } };
  }
}

/**
 * Whether ids can have moved on by `ids` while time moved by `elapsedMs`. A time going backwards is not plausible; with
 * no time to judge by (NaN: a resume point given without one) any jump is taken as a gap, as before these rules.
 */
export function isPlausibleJump(ids: number, elapsedMs: number): boolean {
  if (elapsedMs < 0) {
    return false;
  }
  if (Number.isNaN(elapsedMs)) {
    return true;
  }
  return ids <= JUMP_SLACK_IDS + (MAX_IDS_PER_SECOND * elapsedMs) / 1000;
}
