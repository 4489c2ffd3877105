import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { BinanceArchiveClient } from '@binance-rates/binance';
import { ArchiveImportRepository, TradeHistoryWriter } from '@binance-rates/storage';
import { WritePipeline } from '../write/write-pipeline.service';
import { EventLoopLag } from './event-loop-lag';
import { runArchiveImport } from './run-archive-import';

/** A claim not renewed for this long lets another instance take the import over. */
export const IMPORT_LEASE_MS = 30_000;
/** How often an idle instance looks for an import to run (one it was asked for itself starts at once). */
const POLL_MS = 2_000;
/** How long an import waits before looking again whether the live path still lags. */
const YIELD_PAUSE_MS = 20;
/**
 * The event loop delay above which an import waits: a live price waits that long too. A batch's own work on the loop
 * may pass it, and then the import pauses between batches too: on 2 busy cores it still stores ~600k trades a second
 * (`BENCH_PHASES=import npm run bench`), while live freshness stays near idle.
 */
export const LIVE_LAG_LIMIT_MS = 2;

/**
 * Runs the cluster's history imports, one at a time on this instance: claims the oldest import no live instance holds,
 * runs it (`runArchiveImport`), then looks for the next. Live trades come first: before every batch the import waits
 * while the live path lags (see `yieldToLive`), so a busy live path is slowed by an import as little as can be, and
 * the import by the live path instead. A stop aborts the import at its next step and gives it back to the others.
 */
@Injectable()
export class ArchiveImportRunner {
  private readonly logger = new Logger(ArchiveImportRunner.name);
  private readonly owner: string;
  private readonly liveBacklogLimit: number;
  private loop: Promise<void> | null = null;
  private abort = new AbortController();
  private wakeUp: (() => void) | null = null;
  private running: number | null = null;
  private readonly lag = new EventLoopLag();

  constructor(
    config: AppConfig,
    private readonly imports: ArchiveImportRepository,
    private readonly writer: TradeHistoryWriter,
    private readonly archive: BinanceArchiveClient,
    private readonly pipeline: WritePipeline,
  ) {
    this.owner = config.instanceId;
    this.liveBacklogLimit = 2 * config.ingest.historyBatchSize * config.ingest.historyWriters;
  }

  start(): void {
    this.loop ??= this.work();
  }

  /** An import was just asked for: look now rather than at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** The import this instance runs, if any. */
  get runningImport(): number | null {
    return this.running;
  }

  /** Stops the import at its next step and gives it back (queued, for any instance); resolves once it is. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('the instance is stopping'));
    this.wakeUp?.();
    await this.loop;
  }

  private async work(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const job = await this.imports.claim({ owner: this.owner, leaseMs: IMPORT_LEASE_MS, match: { kind: 'any' } }).catch((error: Error) => {
        this.logger.warn(`could not look for imports: ${error.message}`);
        return null;
      });
      if (job === null) {
        await this.pause(POLL_MS);
        continue;
      }
      this.running = job.id;
      this.lag.start();
      this.logger.log(`import ${job.id}: ${job.symbol} ${job.fromDay}..${job.toDay}, from file ${job.filesDone + 1} of ${job.files.length}`);
      try {
        const end = await runArchiveImport({
          job,
          signal: this.abort.signal,
          archive: this.archive,
          writer: this.writer,
          imports: this.imports,
          owner: this.owner,
          leaseMs: IMPORT_LEASE_MS,
          yieldToLive: () => this.yieldToLive(),
        });
        const log = end.status === 'failed' ? this.logger.warn.bind(this.logger) : this.logger.log.bind(this.logger);
        log(`import ${job.id}: ${end.status}${end.status === 'failed' ? `: ${end.error}` : ''}`);
      } catch (error) {
        // Its progress could not be recorded (PostgreSQL down): the claim runs out and it is taken up again.
        this.logger.warn(`import ${job.id} stopped: ${(error as Error).message}`);
        await this.pause(POLL_MS);
      } finally {
        this.running = null;
        this.lag.stop();
      }
    }
  }

  /**
   * Waits while the live path lags: its history backlog above two batches per lane, or the event loop late by more
   * than LIVE_LAG_LIMIT_MS since the last batch (the cores are busy: with this import's PostgreSQL work, its decoding,
   * or anything else), so the import takes only what live trades leave.
   */
  private async yieldToLive(): Promise<void> {
    while (
      !this.abort.signal.aborted &&
      (this.pipeline.stats().pendingTrades > this.liveBacklogLimit || this.lag.takeWorstMs() > LIVE_LAG_LIMIT_MS)
    ) {
      await new Promise((resolve) => setTimeout(resolve, YIELD_PAUSE_MS));
    }
  }

  private async pause(ms: number): Promise<void> {
    if (this.abort.signal.aborted) {
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = null;
  }
}
