import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { OwnershipCoordinator } from '../cluster/ownership-coordinator.service';
import { GapLedger } from '../gaps/gap-ledger.service';
import { BackfillRunner } from '../gaps/backfill-runner.service';
import { ArchiveImportRunner } from '../import/archive-import.runner';
import { StreamSupervisor } from '../live/stream-supervisor.service';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { CandleRollupScheduler } from '../write/candle-rollup.scheduler';
import { HistoryMaintenance } from '../write/history-maintenance.service';
import { LatestPriceSeeder } from '../write/latest-price-seeder';
import { LatestPriceView } from '../write/latest-price.view';
import { WritePipeline } from '../write/write-pipeline.service';
import { ShutdownStep, runShutdownSequence } from './shutdown-sequence';

/**
 * The stop, in order, with each step's share of SHUTDOWN_TIMEOUT_MS. What is left of the budget (0.1) is for the HTTP
 * server and the store connections, which Nest closes after this.
 */
export const SHUTDOWN_BUDGET = {
  /** Let a running ownership round finish, so it cannot take or stream anything afterwards. */
  ownershipRounds: 0.1,
  /** Let the fill being fetched reach its next page (what is still queued is kept for the next owner), and give the import back. */
  backfill: 0.1,
  /** Store every trade accepted: the latest prices in Redis, the history in PostgreSQL. */
  drain: 0.45,
  /** Record the ranges not filled, due at once, so the next owner fills them. */
  gapHandOver: 0.1,
  /** Give the leases back so the others take the symbols over at once instead of after LEASE_TTL_MS. */
  leases: 0.15,
} as const;

/**
 * The one owner of the ingestion's start and stop. Start: the price view, the stream supervisor, the backfill runner,
 * the tracked list, the latest-price seeder, the history maintenance and candle rollups, then the first ownership round (which starts streaming). Stop: the reverse, each step bounded
 * by its share of SHUTDOWN_TIMEOUT_MS (`SHUTDOWN_BUDGET`). It also routes changes of the tracked list to the parts
 * that follow them.
 */
@Injectable()
export class IngestionLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestionLifecycle.name);

  constructor(
    private readonly config: AppConfig,
    private readonly tracked: TrackedSymbolsService,
    private readonly view: LatestPriceView,
    private readonly supervisor: StreamSupervisor,
    private readonly runner: BackfillRunner,
    private readonly coordinator: OwnershipCoordinator,
    private readonly pipeline: WritePipeline,
    private readonly ledger: GapLedger,
    private readonly seeder: LatestPriceSeeder,
    private readonly maintenance: HistoryMaintenance,
    private readonly importer: ArchiveImportRunner,
    private readonly rollups: CandleRollupScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.tracked.onChange((change) => {
      if (change.removed.length > 0) {
        this.pipeline.forget(change.removed);
      }
      this.view.applyChange(change);
      this.coordinator.applyChange(change);
    });
    this.view.start();
    this.supervisor.start();
    this.runner.start();
    await this.tracked.start().catch((error: Error) => this.logger.error(`tracked list not loaded yet: ${error.message}`));
    // Reads are served from the view, and HTTP listens once bootstrap ends: the first read of a symbol must find the
    // price Redis already holds, not wait for the resync the list change started.
    await this.view.resync();
    this.seeder.start();
    this.maintenance.start();
    this.rollups.start();
    this.importer.start();
    await this.coordinator.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await runShutdownSequence(this.stopSteps(), this.config.shutdownTimeoutMs, (step, reason) =>
      this.logger.warn(`stop step "${step.name}" cut short: ${reason}`),
    );
  }

  private stopSteps(): ShutdownStep[] {
    return [
      { name: 'finish the ownership round', share: SHUTDOWN_BUDGET.ownershipRounds, run: () => this.coordinator.stopRounds() },
      {
        name: 'stop streaming',
        share: 0,
        run: () => {
          this.tracked.stop();
          this.view.stop();
          this.seeder.stop();
          this.supervisor.stop();
          // Not awaited: a compaction step cut off by the closing pool rolls back and is done again by someone else.
          void this.maintenance.stop();
          void this.rollups.stop();
        },
      },
      {
        name: 'stop the backfill at its next page and give the import back',
        share: SHUTDOWN_BUDGET.backfill,
        run: () => Promise.all([this.runner.stop(), this.importer.stop()]),
      },
      {
        name: 'store what is held',
        share: SHUTDOWN_BUDGET.drain,
        run: async () => {
          const drained = await this.pipeline.drain(this.config.shutdownTimeoutMs * SHUTDOWN_BUDGET.drain);
          if (!drained) {
            this.logger.error(`stopping with ${this.pipeline.stats().pendingTrades} trades not stored; the next owner backfills them`);
          }
        },
      },
      { name: 'hand the unfilled ranges over', share: SHUTDOWN_BUDGET.gapHandOver, run: () => {
        // Stopped after the drain: what it shed is kept for the next owner and recorded with the rest.
        this.pipeline.stop();
        return this.ledger.handOver();
      } },
      { name: 'release the leases', share: SHUTDOWN_BUDGET.leases, run: () => this.coordinator.leave() },
    ];
  }
}
