import { Injectable, Logger } from '@nestjs/common';
import {
  FilledTradeRange,
  FoundTradeGap,
  QUARANTINED_GAP_REASON_PREFIX,
  TrackedSymbolRepository,
  TradeGapRecord,
  TradeGapRepository,
} from '@binance-rates/storage';
import { UnfilledRange } from './backfill-job';
import { HeldRanges, HeldSymbols } from './held-ranges';
import { WriteBatcher } from './write-batcher';

/** A range found is due a retry this long after it was found, unless its finder fills it first. */
export const GAP_RETRY_DELAY_MS = 30_000;
/** Gaps older than the backfill window are not fetched eagerly; they are still retried, slowly, rather than forgotten. */
const OUTSIDE_WINDOW_RETRY_MS = 60 * 60_000;
/** Found ranges recorded, or filled gaps resolved, per statement. */
const GAPS_PER_WRITE = 500;
/**
 * Every range found is recorded, so resolved gaps pile up with every reconnect; they are kept this long (what was
 * missing and when it was filled, for anyone looking into an incident) and pruned at most once per interval.
 */
const RESOLVED_GAP_RETENTION_MS = 7 * 24 * 60 * 60_000;
const PRUNE_INTERVAL_MS = 60 * 60_000;
/** A quarantined trade's gap is due then: never, in practice; it stays visible in trade_gap for anyone looking. */
const QUARANTINED_DUE_AT = new Date(Date.UTC(9999, 0, 1));

/** A trade refused as impossible, to record as a gap of its one id that is never filled again. */
export interface QuarantinedTrade {
  symbol: string;
  tradeId: number;
  why: string;
}

/**
 * The record of what is missing from the history, kept in PostgreSQL so that it outlives this instance: a range is
 * recorded the moment it is found (found together, recorded together), tried and re-tried, and resolved only once its
 * trades are stored. History batches wait while found ranges are being recorded (`recording`), so no trade above a
 * range is stored before its row: a crash in between would leave the hole below the newest stored trade, where a next
 * owner never looks. It fails closed: a new range PostgreSQL refuses to record holds its symbol's history back
 * (`heldBack`, read by the history lanes per batch) and is retried until it is recorded; other symbols flow on. An
 * attempt on a recorded gap that cannot be counted is kept in memory and counted at the next sweep or at the stop.
 */
@Injectable()
export class GapLedger {
  private readonly logger = new Logger(GapLedger.name);
  private readonly recorder = new WriteBatcher<FoundTradeGap, number>(async (found) => {
    try {
      return await this.gaps.recordFound(found, new Date(Date.now() + GAP_RETRY_DELAY_MS));
    } catch (error) {
      // Before the batch settles, so a history batch waiting at `recording` already sees its symbols held back.
      this.held.hold(found);
      throw error;
    }
  }, GAPS_PER_WRITE);
  private readonly held = new HeldRanges((ranges) => this.gaps.recordFound(ranges, new Date(Date.now() + GAP_RETRY_DELAY_MS)));
  private readonly resolver = new WriteBatcher<FilledTradeRange, void>(async (fills) => {
    await this.gaps.resolveFilled(fills);
    return fills.map(() => undefined);
  }, GAPS_PER_WRITE);
  private readonly sinceAddedMarker = new WriteBatcher<{ symbol: string; addedAt: Date }, void>(async (fills) => {
    await this.trackedSymbols.markSinceAddedFilled(fills);
    return fills.map(() => undefined);
  }, GAPS_PER_WRITE);
  /** Whether the last attempt to record found ranges failed: logged once per outage, not once per range. */
  private recordingFails = false;
  private readonly kept: UnfilledRange[] = [];
  /** Recorded gaps this instance is filling: not queued twice, and made due at once if the stop cuts them short. */
  private readonly inHand = new Set<number>();
  private prunedAt = 0;

  constructor(
    private readonly gaps: TradeGapRepository,
    private readonly trackedSymbols: TrackedSymbolRepository,
  ) {}

  /** Non-null while found ranges are being recorded: history batches wait for it before they are written. */
  recording(): Promise<void> | null {
    return this.recorder.idle ? null : this.recorder.settled();
  }

  get idle(): boolean {
    return this.recorder.idle && this.held.count === 0;
  }

  /** Ranges known missing and not yet in trade_gap: kept for the next sweep, or holding their symbol back. */
  get keptCount(): number {
    return this.kept.length + this.held.count;
  }

  /** Symbols with a range PostgreSQL has not recorded yet: no history of theirs may be stored until it is. */
  heldBack(): HeldSymbols {
    return this.held.symbols;
  }

  /** Since when some symbol's history is held back (epoch ms, null while none is), and how many symbols are. */
  heldBackState(): { since: number | null; symbols: number } {
    return { since: this.held.heldSince, symbols: this.held.symbols.size };
  }

  /**
   * Records `trade`'s id as a gap that is never filled again (see QUARANTINED_GAP_REASON_PREFIX), with the found ranges,
   * so history batches wait for it too. Rejects when PostgreSQL refuses; the symbol is then held back until it is
   * recorded.
   */
  async recordQuarantined({ symbol, tradeId, why }: QuarantinedTrade): Promise<void> {
    const reason = `${QUARANTINED_GAP_REASON_PREFIX}${why}`;
    await this.recorder.submit({ symbol, fromId: tradeId, toId: tradeId, reason, dueAt: QUARANTINED_DUE_AT });
  }

  /**
   * Records a range found missing, together with whatever else is found meanwhile. Resolves to its gap id, taken in
   * hand; or to undefined when PostgreSQL refused it: it is then held (its symbol's history waits) and retried until
   * recorded, without a gap id for the fill, whose stored ids resolve it instead.
   */
  recordFound(range: FoundTradeGap): Promise<number | undefined> {
    return this.recorder.submit(range).then(
      (gapId) => {
        this.inHand.add(gapId);
        this.recordingFails = false;
        return gapId;
      },
      (error: Error) => {
        if (!this.recordingFails) {
          this.logger.warn(`ranges found missing are not recorded before filling: ${error.message}`);
        }
        this.recordingFails = true;
        return undefined;
      },
    );
  }

  /** Takes a recorded gap in hand; false when this instance is already filling it. */
  claim(gapId: number): boolean {
    if (this.inHand.has(gapId)) {
      return false;
    }
    this.inHand.add(gapId);
    return true;
  }

  release(gapId: number): void {
    this.inHand.delete(gapId);
  }

  /** Marks resolved the filled gap and every other open gap of the symbol inside the ids it stored. */
  resolveFilled(fill: FilledTradeRange): Promise<void> {
    return this.resolver.submit(fill);
  }

  /**
   * A fill that ended short, once what it stored is in PostgreSQL: marks resolved every open gap of the symbol inside
   * that, and moves its own gap's start past it (a checkpoint), so the gap holds only the rest (already due a retry).
   */
  async resolvePartlyFilled({ gapId, stored }: { gapId: number | undefined; stored: NonNullable<FilledTradeRange['stored']> }): Promise<void> {
    await Promise.all([this.resolver.submit({ gapId: null, stored }), gapId !== undefined && this.checkpoint(gapId, stored.toId + 1)]);
  }

  markSinceAddedFilled(symbol: string, addedAt: number): Promise<void> {
    return this.sinceAddedMarker.submit({ symbol, addedAt: new Date(addedAt) });
  }

  /**
   * Records that `range` could not be filled now and when to try again (null: it lies outside the backfill window,
   * retried slowly). If PostgreSQL refuses, the range is kept in memory and recorded at the next sweep.
   */
  async recordAttempt(range: UnfilledRange, error: string, nextAttemptAt: number | null): Promise<void> {
    const attempt = { error, nextAttemptAt: new Date(nextAttemptAt ?? Date.now() + OUTSIDE_WINDOW_RETRY_MS) };
    try {
      if (range.gapId === undefined) {
        await this.gaps.record({ symbol: range.symbol, fromId: range.fromId, toId: range.toId, reason: range.reason, attempt });
      } else {
        await this.gaps.markAttempt({ id: range.gapId, ...attempt });
      }
    } catch (recordError) {
      if (range.gapId === undefined) {
        // Found by a fill or a catch-up and never recorded: nothing of its symbol is stored above it until it is.
        const { symbol, fromId, toId, reason } = range;
        this.held.hold([{ symbol, fromId, toId, reason, dueAt: attempt.nextAttemptAt }]);
        return;
      }
      // Its row exists; only this attempt is not counted yet.
      this.logger.error(`gap ${range.symbol} ${range.fromId}..${range.toId ?? 'now'} kept in memory: ${(recordError as Error).message}`);
      this.kept.push(range);
    }
  }

  /** A range this instance will not fill (a stop cut it short): recorded due at once by `handOver`. */
  keepForNextOwner(range: UnfilledRange): void {
    if (range.gapId === undefined) {
      this.kept.push(range);
    }
  }

  /** Records the ranges kept in memory since the last sweep. */
  async recordKept(): Promise<void> {
    for (const range of this.kept.splice(0)) {
      await this.recordAttempt(range, 'not yet attempted', Date.now());
    }
  }

  /** Gaps due a retry now, oldest first, of symbols still tracked: claimed for this instance for a retry delay. */
  claimDue(limit: number): Promise<TradeGapRecord[]> {
    return this.gaps.claimDue({ limit, claimMs: GAP_RETRY_DELAY_MS });
  }

  /** A fill's progress: its gap starts at `fromId` now, and stays claimed for another retry delay. */
  async checkpoint(gapId: number, fromId: number): Promise<void> {
    await this.gaps
      .checkpoint({ id: gapId, fromId, claimMs: GAP_RETRY_DELAY_MS })
      .catch((error: Error) => this.logger.debug(`gap ${gapId} progress not saved, a restart fetches it again: ${error.message}`));
  }

  /** Drops gaps resolved long ago, at most once per interval. */
  async prune(): Promise<void> {
    if (Date.now() - this.prunedAt < PRUNE_INTERVAL_MS) {
      return;
    }
    this.prunedAt = Date.now();
    await this.gaps
      .pruneResolved(new Date(Date.now() - RESOLVED_GAP_RETENTION_MS))
      .catch((error: Error) => this.logger.warn(`could not prune resolved gaps: ${error.message}`));
  }

  /** Settles once the found ranges submitted so far are recorded (or failed). */
  settled(): Promise<void> {
    return this.recorder.settled();
  }

  /**
   * At a stop: records every range kept in memory as due at once, and makes the gaps in hand due at once. Held ranges
   * get one last attempt; none of their symbol's trades above them was stored, so a next owner that cannot see them
   * still resumes below them, from the last stored trade.
   */
  async handOver(): Promise<void> {
    await this.held.stop();
    const kept = this.kept.splice(0);
    const inHand = [...this.inHand];
    await Promise.all([
      ...kept.map((range) => this.recordAttempt(range, 'not filled before this instance stopped', Date.now())),
      this.gaps.makeDue(inHand).catch((error: Error) => this.logger.warn(`gaps being filled stay due later: ${error.message}`)),
    ]);
    if (this.keptCount > 0) {
      this.logger.error(`stopping before ${this.keptCount} unfilled ranges were recorded`);
    }
  }
}
