import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { BinanceRestClient, BinanceRestError } from '@binance-rates/binance';
import { AggTrade, settlesWithin } from '@binance-rates/domain';
import { FilledTradeRange, FoundTradeGap, TrackedSymbolRepository, TradeGapRepository } from '@binance-rates/storage';
import { WriteBatcher } from './write-batcher';
import { WritePipeline } from './write-pipeline.service';

export interface BackfillJob {
  symbol: string;
  /** First id to fetch; null to start at `fromTime` instead (a new coin: from the moment it was added). */
  fromId: number | null;
  fromTime?: number;
  /** Set for a new coin's trades since it was added (epoch ms): once they are stored, the coin is marked filled. */
  addedAt?: number;
  /** Inclusive; null means "until caught up with the present". */
  toId: number | null;
  reason: string;
  /** Set when the job retries a gap already recorded in PostgreSQL. */
  gapId?: number;
}

const PAGE_LIMIT = 1000;
const SWEEP_INTERVAL_MS = 5_000;
const RETRY_DELAY_MS = 30_000;
const OUTSIDE_WINDOW_RETRY_MS = 60 * 60_000;
/** Attempts per page before the range is recorded as a gap; a 429 waits its Retry-After inside the REST client. */
const PAGE_ATTEMPTS = 4;
const PAGE_RETRY_BASE_MS = 500;
/** Due gaps queued per sweep: enough that a drop of every connection (one gap per coin) is retried in one go. */
const DUE_GAPS_PER_SWEEP = 1_000;
/** Found ranges recorded, or filled gaps resolved, per statement. */
const GAPS_PER_WRITE = 500;
/**
 * Every range found is recorded, so resolved gaps pile up with every reconnect; they are kept this long (what was
 * missing and when it was filled, for anyone looking into an incident) and pruned at most once per interval.
 */
const RESOLVED_GAP_RETENTION_MS = 7 * 24 * 60 * 60_000;
const PRUNE_INTERVAL_MS = 60 * 60_000;
const SHED_REASON = 'shed while storage was behind';

/**
 * A job as queued: `recorded` settles once a found range has its gap row (or recording it failed); `accepted` is the
 * id range its pages handed to the write pipeline so far.
 */
type QueuedJob = BackfillJob & { recorded?: Promise<void>; accepted?: { fromId: number; toId: number } };

/**
 * Fills id ranges the live stream missed from REST `GET /api/v3/aggTrades` (fromId, 1000 per page), in the order
 * they were found. Every range is recorded in PostgreSQL as it is found (found together, recorded together), due a
 * retry delay later, and resolved only once its trades are stored: if this instance dies at any point, the gap is
 * still there for the coin's next owner, which resumes from the newest stored trade and would otherwise never look
 * below it. A range that cannot be filled now is retried later; if even recording it fails, it stays in memory and
 * is recorded on the next sweep, so a gap is never silently dropped. A stop makes what was still to fetch due at once.
 * History batches wait while found ranges are being recorded, so no trade above a range is stored before its row.
 */
@Injectable()
export class BackfillService implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(BackfillService.name);
  private readonly queue: QueuedJob[] = [];
  /** Ranges found together (one per coin after a drop, one per new coin's first page) get their rows together. */
  private readonly recorder = new WriteBatcher<FoundTradeGap, number>(
    (found) => this.gaps.recordFound(found, new Date(Date.now() + RETRY_DELAY_MS)),
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
  /** Filled gaps waiting for their trades to be stored before they are marked resolved. */
  private readonly settling = new Set<Promise<void>>();
  private readonly unrecorded: Array<BackfillJob & { fromId: number }> = [];
  private readonly activeGapIds = new Set<number>();
  private runLoop: Promise<void> | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private isWanted: (symbol: string) => boolean = () => true;
  private onFetched: (symbol: string, lastId: number) => void = () => undefined;
  private readonly windowMs: number;
  private readonly shutdownBudgetMs: number;
  private filledTrades = 0;
  private prunedAt = 0;
  /** Set when a page failed after every retry; until a request succeeds, the next jobs fail fast and are recorded. */
  private restFailing = false;

  constructor(
    config: AppConfig,
    private readonly rest: BinanceRestClient,
    private readonly pipeline: WritePipeline,
    private readonly gaps: TradeGapRepository,
    private readonly trackedSymbols: TrackedSymbolRepository,
  ) {
    this.windowMs = config.ingest.backfillWindowMs;
    this.shutdownBudgetMs = config.shutdownTimeoutMs;
    pipeline.holdHistoryWhile(() => (this.recorder.idle ? null : this.recorder.settled()));
    pipeline.onShedRanges((ranges) => {
      for (const [symbol, range] of ranges) {
        this.request({ symbol, fromId: range.fromId, toId: range.toId, reason: SHED_REASON });
      }
    });
  }

  /** `isWanted` drops jobs for symbols no longer streamed here; `onFetched` reports progress to the sequencer. */
  start(hooks: { isWanted: (symbol: string) => boolean; onFetched: (symbol: string, lastId: number) => void }): void {
    this.isWanted = hooks.isWanted;
    this.onFetched = hooks.onFetched;
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
  }

  request(job: BackfillJob): void {
    if (this.stopped) {
      this.keepForNextOwner(job, job.fromId);
      return;
    }
    if (job.gapId !== undefined && this.activeGapIds.has(job.gapId)) {
      return;
    }
    const queued: QueuedJob = { ...job };
    if (queued.gapId !== undefined) {
      this.activeGapIds.add(queued.gapId);
    } else if (queued.fromId !== null) {
      this.recordWhenFound(queued, queued.fromId);
    }
    this.queue.push(queued);
    this.run();
  }

  /**
   * Catches a symbol up whose last stored trade is older than the backfill window (the stream supervisor resumes
   * the others from the first live trade): only the window is fetched and the older part is recorded as a gap.
   */
  async catchUpFrom(symbol: string, last: { tradeId: number; tradeTime: number }): Promise<void> {
    const windowStart = Date.now() - this.windowMs;
    try {
      const [first] = await this.rest.aggTrades({ symbol, startTime: windowStart, limit: 1 });
      if (!first) {
        return;
      }
      if (first.tradeId > last.tradeId + 1) {
        await this.recordGap({
          symbol,
          fromId: last.tradeId + 1,
          toId: first.tradeId - 1,
          reason: `older than the backfill window of ${this.windowMs} ms`,
        }, 'outside backfill window', null);
      }
      this.request({ symbol, fromId: Math.max(first.tradeId, last.tradeId + 1), toId: null, reason: 'catch up within window' });
    } catch (error) {
      await this.recordGap(
        { symbol, fromId: last.tradeId + 1, toId: null, reason: 'catch up from last stored trade' },
        (error as Error).message,
        Date.now() + RETRY_DELAY_MS,
      );
    }
  }

  stats(): { queued: number; unrecorded: number; filledTrades: number } {
    return { queued: this.queue.length, unrecorded: this.unrecorded.length, filledTrades: this.filledTrades };
  }

  /** Nothing queued, fetched, being recorded or waiting for its trades to be stored. */
  isIdle(): boolean {
    return this.queue.length === 0 && this.runLoop === null && this.recorder.idle && this.settling.size === 0;
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  /**
   * Lets the job being fetched stop at its next page (within a fifth of SHUTDOWN_TIMEOUT_MS), then records every range
   * still to fetch as a gap, due at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const busy = Promise.all([this.runLoop, this.recorder.settled()]);
    if (!(await settlesWithin(busy, this.shutdownBudgetMs * 0.2))) {
      this.logger.warn('stopping while a backfill page or a gap record is still on its way');
    }
    for (const job of this.queue.splice(0)) {
      this.keepForNextOwner(job, job.fromId);
    }
    for (const [symbol, range] of this.pipeline.takeShedRanges()) {
      this.keepForNextOwner({ symbol, fromId: range.fromId, toId: range.toId, reason: SHED_REASON }, range.fromId);
    }
    const outstanding = this.unrecorded.splice(0);
    const handedOver = [...this.activeGapIds];
    const recorded = Promise.all([
      ...outstanding.map((job) => this.recordGap(job, 'not filled before this instance stopped', Date.now())),
      this.gaps.makeDue(handedOver).catch((error: Error) => this.logger.warn(`gaps being filled stay due later: ${error.message}`)),
    ]);
    if (!(await settlesWithin(recorded, this.shutdownBudgetMs * 0.3))) {
      this.logger.error(`stopping before ${outstanding.length} unfilled ranges were recorded`);
    }
  }

  /** A range left unfetched by a stop: recorded as a gap at shutdown (one already recorded is made due with the rest). */
  private keepForNextOwner(job: BackfillJob, fromId: number | null): void {
    if (job.gapId !== undefined) {
      return;
    }
    if (fromId === null) {
      this.logger.log(`trades of ${job.symbol} since it was added not fetched before the stop: its next owner fetches them`);
      return;
    }
    this.unrecorded.push({ ...job, fromId });
  }

  /** Works through the queue, one job at a time; a job queued while the loop was finishing starts the next loop. */
  private run(): void {
    if (this.runLoop) {
      return;
    }
    this.runLoop = this.drainQueue().finally(() => {
      this.runLoop = null;
      if (this.queue.length > 0 && !this.stopped) {
        this.run();
      }
    });
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const job = this.queue.shift() as QueuedJob;
      const filled = this.isWanted(job.symbol) && (await this.fill(job));
      // Settled apart from the queue, so the next job does not wait for this one's gap row or its trades' batch.
      const settling: Promise<void> = (filled ? this.settleOnceStored(job) : this.release(job)).finally(() =>
        this.settling.delete(settling),
      );
      this.settling.add(settling);
    }
  }

  /** Queues the range of `job` from `fromId` to be recorded; `job.recorded` settles once it is (or failed). */
  private recordWhenFound(job: QueuedJob, fromId: number): void {
    job.recorded = this.recorder.submit({ symbol: job.symbol, fromId, toId: job.toId, reason: job.reason }).then(
      (gapId) => {
        job.gapId = gapId;
        this.activeGapIds.add(gapId);
        this.recordingFails = false;
      },
      (error: Error) => {
        // Still filled; one that fails is recorded then, one cut short by a stop is recorded at the stop.
        if (!this.recordingFails) {
          this.logger.warn(`ranges found missing are not recorded before filling: ${error.message}`);
        }
        this.recordingFails = true;
      },
    );
  }

  /**
   * Once a filled job's trades are in PostgreSQL, marks resolved its gap and every other open gap of the coin inside
   * what it stored, and, for a new coin, the coin filled since it was added; until then all stay open for a next owner.
   */
  private async settleOnceStored(job: QueuedJob): Promise<void> {
    await job.recorded;
    const { gapId, addedAt, accepted } = job;
    const resolves = gapId !== undefined || accepted !== undefined;
    try {
      if ((resolves || addedAt !== undefined) && (await this.pipeline.whenStored(job.symbol))) {
        await Promise.all([
          resolves && this.resolver.submit({ gapId: gapId ?? null, stored: accepted ? { symbol: job.symbol, ...accepted } : null }),
          addedAt !== undefined && this.sinceAddedMarker.submit({ symbol: job.symbol, addedAt: new Date(addedAt) }),
        ]);
      }
    } catch (error) {
      this.logger.warn(`${job.symbol} ${job.reason}: filled but not marked so, so it is filled again later: ${(error as Error).message}`);
    } finally {
      if (gapId !== undefined) this.activeGapIds.delete(gapId);
    }
  }

  /**
   * A job not filled here (failed and recorded, or no longer wanted): its gap may be retried. One a stop cut short keeps
   * its place among the active gaps, which the stop makes due at once for the next owner.
   */
  private async release(job: QueuedJob): Promise<void> {
    await job.recorded;
    if (job.gapId !== undefined && !this.stopped) {
      this.activeGapIds.delete(job.gapId);
    }
  }

  /** True when the whole range was fetched and accepted; false when it failed (and was recorded) or a stop cut it short. */
  private async fill(job: QueuedJob): Promise<boolean> {
    let cursor = job.fromId;
    try {
      for (;;) {
        if (job.toId !== null && cursor !== null && cursor > job.toId) {
          break;
        }
        if (this.stopped) {
          await job.recorded;
          this.keepForNextOwner(job, cursor);
          return false;
        }
        const remaining = job.toId !== null && cursor !== null ? job.toId - cursor + 1 : PAGE_LIMIT;
        const limit = Math.min(PAGE_LIMIT, remaining);
        const page = await this.fetchPage(
          cursor === null
            ? { symbol: job.symbol, startTime: job.fromTime ?? Date.now(), limit }
            : { symbol: job.symbol, fromId: cursor, limit },
        );
        const wanted: AggTrade[] = job.toId === null ? page : page.filter((trade) => trade.tradeId <= (job.toId as number));
        if (cursor === null && wanted.length > 0 && job.gapId === undefined && job.recorded === undefined) {
          // A new coin's range was known only by time; from its first page on it has ids, so it is recorded too.
          this.recordWhenFound(job, wanted[0].tradeId);
        }
        if (wanted.length > 0) {
          this.pipeline.acceptMany(wanted);
          job.accepted = { fromId: job.accepted?.fromId ?? wanted[0].tradeId, toId: wanted[wanted.length - 1].tradeId };
          this.filledTrades += wanted.length;
          cursor = wanted[wanted.length - 1].tradeId + 1;
          this.onFetched(job.symbol, cursor - 1);
        }
        if (page.length < limit || wanted.length === 0) {
          break;
        }
      }
      return true;
    } catch (error) {
      const message = (error as Error).message;
      this.logger.warn(`backfill of ${job.symbol} from ${cursor ?? `time ${job.fromTime}`} failed: ${message}`);
      if (cursor === null) {
        // No id is known yet to record a gap with: keep the job and ask again later.
        this.logger.error(`trades of ${job.symbol} since it was added and before its first live trade not fetched yet, retrying`);
        const timer = setTimeout(() => this.request(job), this.retryDelayMs());
        timer.unref();
        return false;
      }
      await job.recorded;
      await this.recordGap({ ...job, fromId: cursor }, message, Date.now() + this.retryDelayMs());
      return false;
    }
  }

  /**
   * One page, retried in place when Binance only asks us to slow down (429: the REST client waits Retry-After before
   * the next request) or fails transiently (5xx, network). A ban (418) or a client error is not retried here.
   */
  private async fetchPage(query: Parameters<BinanceRestClient['aggTrades']>[0]): Promise<AggTrade[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const page = await this.rest.aggTrades(query);
        this.restFailing = false;
        return page;
      } catch (error) {
        const status = error instanceof BinanceRestError ? error.status : -1;
        const transient = status === 429 || status === 0 || status >= 500;
        if (!transient || this.stopped || attempt >= PAGE_ATTEMPTS || (this.restFailing && status !== 429)) {
          this.restFailing ||= transient;
          throw error;
        }
        const delayMs = status === 429 ? 0 : PAGE_RETRY_BASE_MS * 2 ** (attempt - 1);
        this.logger.warn(`aggTrades for ${query.symbol} failed (attempt ${attempt}), retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** After a ban the next attempt waits for its end; otherwise the usual retry delay. */
  private retryDelayMs(): number {
    return Math.max(RETRY_DELAY_MS, this.rest.pausedForMs());
  }

  private async recordGap(job: BackfillJob & { fromId: number }, error: string, nextAttemptAt: number | null): Promise<void> {
    // Gaps older than the window are not fetched eagerly; they are still retried, slowly, rather than forgotten.
    const next = new Date(nextAttemptAt ?? Date.now() + OUTSIDE_WINDOW_RETRY_MS);
    const attempt = { error, nextAttemptAt: next };
    try {
      if (job.gapId === undefined) {
        await this.gaps.record({ symbol: job.symbol, fromId: job.fromId, toId: job.toId, reason: job.reason, attempt });
      } else {
        await this.gaps.markAttempt({ id: job.gapId, ...attempt });
      }
    } catch (recordError) {
      this.logger.error(`gap ${job.symbol} ${job.fromId}..${job.toId ?? 'now'} kept in memory: ${(recordError as Error).message}`);
      this.unrecorded.push(job);
    }
  }

  /** Retries what is due: gaps recorded earlier and gaps that could not be recorded. */
  private async sweep(): Promise<void> {
    const pending = this.unrecorded.splice(0) as Array<BackfillJob & { fromId: number }>;
    for (const job of pending) {
      await this.recordGap(job, 'not yet attempted', Date.now());
    }
    try {
      const due = await this.gaps.due(new Date(), DUE_GAPS_PER_SWEEP);
      for (const gap of due) {
        this.request({ symbol: gap.symbol, fromId: gap.fromId, toId: gap.toId, reason: gap.reason, gapId: gap.id });
      }
    } catch (error) {
      this.logger.warn(`could not read due gaps: ${(error as Error).message}`);
    }
    if (Date.now() - this.prunedAt >= PRUNE_INTERVAL_MS) {
      this.prunedAt = Date.now();
      await this.gaps
        .pruneResolved(new Date(Date.now() - RESOLVED_GAP_RETENTION_MS))
        .catch((error: Error) => this.logger.warn(`could not prune resolved gaps: ${error.message}`));
    }
  }
}
