import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { LoopProgress, TradeSequencer } from '@binance-rates/domain';
import type { TradeGapRecord } from '@binance-rates/storage';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { WritePipeline } from '../write/write-pipeline.service';
import { AggTradesPager } from './agg-trades-pager';
import { ArchiveGapFills } from './archive-gap-fills';
import { QueuedFill, UnfilledRange } from './backfill-job';
import { BackfillQueue } from './backfill-queue';
import { FillFetcher, startTimeOf } from './fill-fetcher';
import { GAP_RETRY_DELAY_MS, GapLedger } from './gap-ledger.service';

const SWEEP_INTERVAL_MS = 5_000;
/** Due gaps queued per sweep: enough that a drop of every connection (one gap per symbol) is retried in one go. */
const DUE_GAPS_PER_SWEEP = 1_000;

/**
 * Fills the history's holes from REST `GET /api/v3/aggTrades` (the pages of one fill: `FillFetcher`), one fill at a
 * time in the order they were found, and resolves each in the gap ledger once its trades are stored. A fill that
 * fails is recorded to be retried; one that ended short of its target resolves only what it stored and keeps the rest
 * as a gap due a retry; every sweep queues the gaps that came due, this instance's or a dead one's, but for the long,
 * old ones it hands to the archive (ArchiveGapFills).
 */
@Injectable()
export class BackfillRunner {
  private readonly logger = new Logger(BackfillRunner.name);
  /** Filled fills waiting for their trades to be stored before they are marked resolved. */
  private readonly settling = new Set<Promise<void>>();
  private loop: Promise<void> | null = null;
  private filling: QueuedFill | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly fetcher: FillFetcher;
  private readonly windowMs: number;

  constructor(
    config: AppConfig,
    private readonly queue: BackfillQueue,
    private readonly ledger: GapLedger,
    private readonly pager: AggTradesPager,
    private readonly pipeline: WritePipeline,
    sequencer: TradeSequencer,
    private readonly tracked: TrackedSymbolsService,
    private readonly archiveFills: ArchiveGapFills,
  ) {
    this.windowMs = config.ingest.backfillWindowMs;
    this.fetcher = new FillFetcher({ pager, pipeline, sequencer, ledger, waitForRestMs: config.ingest.backfillWaitForRestMs });
  }

  start(): void {
    this.loop ??= this.work();
    this.sweepTimer ??= setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
  }

  /**
   * Catches a symbol up whose last stored trade is older than the backfill window (the stream supervisor resumes
   * the others from the first live trade): only the window is fetched and the older part is recorded as a gap.
   */
  async catchUpFrom(symbol: string, last: { tradeId: number; tradeTime: number }): Promise<void> {
    try {
      const first = await this.pager.firstFrom(symbol, Date.now() - this.windowMs);
      if (!first) {
        return;
      }
      if (first.tradeId > last.tradeId + 1) {
        const older = { symbol, fromId: last.tradeId + 1, toId: first.tradeId - 1, reason: `older than the backfill window of ${this.windowMs} ms` };
        await this.ledger.recordAttempt(older, 'outside backfill window', null);
      }
      this.queue.push({ kind: 'range', symbol, fromId: Math.max(first.tradeId, last.tradeId + 1), toId: null, reason: 'catch up within window' });
    } catch (error) {
      const range = { symbol, fromId: last.tradeId + 1, toId: null, reason: 'catch up from last stored trade' };
      await this.ledger.recordAttempt(range, (error as Error).message, Date.now() + GAP_RETRY_DELAY_MS);
    }
  }

  stats(): { queued: number; unrecorded: number; filledTrades: number } {
    return { queued: this.queue.size, unrecorded: this.ledger.keptCount, filledTrades: this.fetcher.heldTrades };
  }

  /** For liveness: the REST page in flight, if any (a fill's pauses while REST trails are not owed steps). */
  progress(): LoopProgress {
    return this.pager.progress();
  }

  /** How long REST is paused for (a ban's or a 429's Retry-After), 0 when it is not. */
  restPausedForMs(): number {
    return this.pager.pausedForMs();
  }

  /** Nothing queued, fetched, being recorded or waiting for its trades to be stored. */
  isIdle(): boolean {
    return this.queue.size === 0 && this.filling === null && this.ledger.idle && this.settling.size === 0;
  }

  /**
   * Lets the fill being fetched stop at its next page and keeps every range still to fetch for the next owner (the
   * gap ledger records them at its hand-over). Resolves once the fill in progress has stopped.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.fetcher.stop();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const fill of this.queue.close()) {
      this.keepForNextOwner(fill, rangeStart(fill));
    }
    await Promise.all([this.loop, this.ledger.settled()]);
  }

  private async work(): Promise<void> {
    for (let fill = await this.queue.next(); fill !== null; fill = await this.queue.next()) {
      this.filling = fill;
      const filled = this.tracked.isActive(fill.job.symbol) ? await this.fill(fill) : 'not';
      this.filling = null;
      // Settled apart from the queue, so the next fill does not wait for this one's gap row or its trades' batch.
      const settling: Promise<void> = (filled === 'not' ? this.release(fill) : this.settleOnceStored(fill, filled)).finally(() =>
        this.settling.delete(settling),
      );
      this.settling.add(settling);
    }
  }

  /**
   * Fetches the fill: `whole` when every trade it was for is held for history; `partly` when it ended short (REST
   * trailing past the wait, or the history buffer full) and the rest is recorded as a gap due a retry; `not` when it
   * failed (and was recorded) or a stop cut it short.
   */
  private async fill(fill: QueuedFill): Promise<'whole' | 'partly' | 'not'> {
    const { job } = fill;
    const outcome = await this.fetcher.fetch(fill);
    if (outcome.kind === 'reached') {
      return 'whole';
    }
    if (outcome.kind === 'stopped') {
      await fill.recorded;
      this.keepForNextOwner(fill, outcome.from);
      return 'not';
    }
    const { from, why } = outcome;
    this.logger.warn(`backfill of ${job.symbol} ${outcome.kind === 'short' ? 'ended short' : 'failed'} at ${from ?? `time ${startTimeOf(fill)}`}: ${why}`);
    if (from === null) {
      // No id is known yet to record a gap with: keep the job and ask again later.
      this.logger.error(`trades of ${job.symbol} since it was added and before its first live trade not fetched yet, retrying`);
      const timer = setTimeout(() => this.queue.push(job), this.retryDelayMs());
      timer.unref();
      return 'not';
    }
    await fill.recorded;
    await this.ledger.recordAttempt(unfilled(fill, from), why, Date.now() + this.retryDelayMs());
    return outcome.kind === 'short' ? 'partly' : 'not';
  }

  /**
   * Once a fill's trades are in PostgreSQL, marks resolved its gap and every other open gap of the symbol inside what
   * it stored, and, for a new symbol, the symbol filled since it was added; until then all stay open for a next owner.
   * A fill that ended short resolves only what it stored: its own gap keeps the rest.
   */
  private async settleOnceStored(fill: QueuedFill, filled: 'whole' | 'partly'): Promise<void> {
    await fill.recorded;
    const { job, gapId, accepted } = fill;
    const stored = accepted ? { symbol: job.symbol, ...accepted } : null;
    const resolve =
      filled === 'whole'
        ? (gapId !== undefined || stored !== null) && (() => this.ledger.resolveFilled({ gapId: gapId ?? null, stored }))
        : stored !== null && (() => this.ledger.resolvePartlyFilled({ gapId, stored }));
    // Its range has ids by now; with a gap row for what is left, nothing since the addition depends on time any more.
    const sinceAdded = job.kind === 'since-added' && (filled === 'whole' || gapId !== undefined);
    try {
      if ((resolve || sinceAdded) && (await this.pipeline.whenStored(job.symbol))) {
        await Promise.all([resolve && resolve(), sinceAdded && this.ledger.markSinceAddedFilled(job.symbol, job.addedAt)]);
      }
    } catch (error) {
      this.logger.warn(`${job.symbol} ${job.reason}: filled but not marked so, so it is filled again later: ${(error as Error).message}`);
    } finally {
      if (gapId !== undefined) this.ledger.release(gapId);
    }
  }

  /**
   * A fill not completed here (failed and recorded, or its symbol no longer tracked): its gap may be retried. One a
   * stop cut short stays in hand, and the ledger's hand-over makes it due at once for the next owner.
   */
  private async release(fill: QueuedFill): Promise<void> {
    await fill.recorded;
    if (fill.gapId !== undefined && !this.stopped) {
      this.ledger.release(fill.gapId);
    }
  }

  /** A range left unfetched by a stop; a recorded one is made due with the rest of the gaps in hand. */
  private keepForNextOwner(fill: QueuedFill, fromId: number | null): void {
    if (fill.gapId !== undefined) {
      return;
    }
    if (fromId === null) {
      this.logger.log(`trades of ${fill.job.symbol} since it was added not fetched before the stop: its next owner fetches them`);
      return;
    }
    this.ledger.keepForNextOwner(unfilled(fill, fromId));
  }

  /** After a ban the next attempt waits for its end; otherwise the usual retry delay. */
  private retryDelayMs(): number {
    return Math.max(GAP_RETRY_DELAY_MS, this.pager.pausedForMs());
  }

  /** Retries what is due: gaps recorded earlier and ranges that could not be recorded. */
  private async sweep(): Promise<void> {
    await this.ledger.recordKept();
    try {
      for (const gap of await this.ledger.claimDue(DUE_GAPS_PER_SWEEP)) {
        if (!(await this.takenByArchive(gap))) {
          this.queue.push({ kind: 'gap', gapId: gap.id, symbol: gap.symbol, fromId: gap.fromId, toId: gap.toId, reason: gap.reason });
        }
      }
    } catch (error) {
      this.logger.warn(`could not read due gaps: ${(error as Error).message}`);
    }
    await this.ledger.prune();
  }

  /** Whether the archive fills the gap; when that cannot be told (PostgreSQL refused), REST fills it as before. */
  private takenByArchive(gap: TradeGapRecord): Promise<boolean> {
    return this.archiveFills.take(gap).catch((error: Error) => {
      this.logger.warn(`gap ${gap.symbol} ${gap.fromId}..${gap.toId ?? 'now'} goes to REST, the archive could not be asked: ${error.message}`);
      return false;
    });
  }
}

/** The first id a fill asks for: a new symbol's fill starts by time, so it has none until its first page. */
function rangeStart({ job }: QueuedFill): number | null {
  return job.kind === 'since-added' ? null : job.fromId;
}

function unfilled({ job, gapId }: QueuedFill, fromId: number): UnfilledRange {
  return { symbol: job.symbol, fromId, toId: job.toId, reason: job.reason, gapId };
}
