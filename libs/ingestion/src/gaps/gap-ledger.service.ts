import { Injectable, Logger } from '@nestjs/common';
import { FilledTradeRange, FoundTradeGap, TrackedSymbolRepository, TradeGapRecord, TradeGapRepository } from '@binance-rates/storage';
import { UnfilledRange } from './backfill-job';
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

/**
 * The record of what is missing from the history, kept in PostgreSQL so that it outlives this instance: a range is
 * recorded the moment it is found (found together, recorded together), tried and re-tried, and resolved only once its
 * trades are stored. What cannot be recorded now is kept in memory and recorded at the next sweep or at the stop, so
 * a range is never silently dropped. History batches wait while found ranges are being recorded (`recording`), so no
 * trade above a range is stored before its row: a crash in between would leave the hole below the newest stored
 * trade, where a next owner never looks.
 */
@Injectable()
export class GapLedger {
  private readonly logger = new Logger(GapLedger.name);
  private readonly recorder = new WriteBatcher<FoundTradeGap, number>(
    (found) => this.gaps.recordFound(found, new Date(Date.now() + GAP_RETRY_DELAY_MS)),
    GAPS_PER_WRITE,
  );
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
    return this.recorder.idle;
  }

  get keptCount(): number {
    return this.kept.length;
  }

  /**
   * Records a range found missing, together with whatever else is found meanwhile. Resolves to its gap id, taken in
   * hand; or to undefined when PostgreSQL refused it (the fill then records it if it fails, the stop if it is cut short).
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
   * that, and moves its own gap's start past it, so the gap holds only the rest (already due a retry).
   */
  async resolvePartlyFilled({ gapId, stored }: { gapId: number | undefined; stored: NonNullable<FilledTradeRange['stored']> }): Promise<void> {
    await Promise.all([
      this.resolver.submit({ gapId: null, stored }),
      gapId !== undefined && this.gaps.moveStart({ id: gapId, fromId: stored.toId + 1 }),
    ]);
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

  /** At a stop: records every range kept in memory as due at once, and makes the gaps in hand due at once. */
  async handOver(): Promise<void> {
    const kept = this.kept.splice(0);
    const inHand = [...this.inHand];
    await Promise.all([
      ...kept.map((range) => this.recordAttempt(range, 'not filled before this instance stopped', Date.now())),
      this.gaps.makeDue(inHand).catch((error: Error) => this.logger.warn(`gaps being filled stay due later: ${error.message}`)),
    ]);
    if (this.kept.length > 0) {
      this.logger.error(`stopping before ${this.kept.length} unfilled ranges were recorded`);
    }
  }
}
