import { Module } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { BinanceArchiveClient, BinanceRestClient, InputQuarantine } from '@binance-rates/binance';
import { CacheModule } from '@binance-rates/cache';
import { TradeSequencer } from '@binance-rates/domain';
import { StorageModule } from '@binance-rates/storage';
import { OwnershipCoordinator } from './cluster/ownership-coordinator.service';
import { StreamStatusView } from './cluster/stream-status.view';
import { AggTradesPager } from './gaps/agg-trades-pager';
import { ArchiveGapFills } from './gaps/archive-gap-fills';
import { BackfillQueue } from './gaps/backfill-queue';
import { BackfillRunner } from './gaps/backfill-runner.service';
import { GapLedger } from './gaps/gap-ledger.service';
import { ArchiveImportRunner } from './import/archive-import.runner';
import { IngestionLifecycle } from './lifecycle/ingestion-lifecycle.service';
import { IngestionProgress } from './lifecycle/ingestion-progress.service';
import { StreamSupervisor } from './live/stream-supervisor.service';
import { TrackedSymbolsService } from './tracking/tracked-symbols.service';
import { CandleRollupScheduler } from './write/candle-rollup.scheduler';
import { HistoryMaintenance } from './write/history-maintenance.service';
import { LatestPriceSeeder } from './write/latest-price-seeder';
import { LatestPriceView } from './write/latest-price.view';
import { WritePipeline } from './write/write-pipeline.service';

/**
 * The data path: tracked list → live streams → write pipeline → stores, with the gaps it finds filled from REST and
 * the symbols shared out across the cluster. `IngestionLifecycle` starts and stops it.
 */
@Module({
  imports: [CacheModule, StorageModule],
  providers: [
    // One count of refused input for the stream, REST and the write pipeline, read by /metrics.
    { provide: InputQuarantine, useFactory: () => new InputQuarantine() },
    {
      provide: BinanceRestClient,
      inject: [AppConfig, InputQuarantine],
      useFactory: (config: AppConfig, quarantine: InputQuarantine) =>
        new BinanceRestClient({
          baseUrl: config.binance.restUrl,
          weightBudgetPerMinute: config.binance.restWeightBudgetPerMinute,
          quarantine,
        }),
    },
    { provide: BinanceArchiveClient, inject: [AppConfig], useFactory: (config: AppConfig) => new BinanceArchiveClient({ baseUrl: config.binance.dataUrl }) },
    ArchiveImportRunner,
    // One sequencer: the live stream checks ids against it, the backfill moves it on as it fills.
    { provide: TradeSequencer, useFactory: () => new TradeSequencer() },
    AggTradesPager,
    ArchiveGapFills,
    BackfillQueue,
    BackfillRunner,
    GapLedger,
    IngestionLifecycle,
    IngestionProgress,
    LatestPriceSeeder,
    HistoryMaintenance,
    CandleRollupScheduler,
    LatestPriceView,
    OwnershipCoordinator,
    StreamStatusView,
    StreamSupervisor,
    TrackedSymbolsService,
    WritePipeline,
  ],
  exports: [ArchiveImportRunner, BinanceRestClient, BackfillRunner, IngestionProgress, InputQuarantine, LatestPriceView, StreamStatusView, StreamSupervisor, TrackedSymbolsService, WritePipeline],
})
export class IngestionModule {}
