import { Module } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { BinanceRestClient } from '@binance-rates/binance';
import { CacheModule } from '@binance-rates/cache';
import { StorageModule } from '@binance-rates/storage';
import { BackfillService } from './backfill.service';
import { CurrencyService } from './currency.service';
import { HealthService } from './health.service';
import { LatestPriceView } from './latest-price.view';
import { MetricsService } from './metrics.service';
import { OwnershipCoordinator } from './ownership-coordinator.service';
import { PricePushService } from './price-push.service';
import { StreamSupervisor } from './stream-supervisor.service';
import { SymbolListingService } from './symbol-listing.service';
import { TrackedSymbolsService } from './tracked-symbols.service';
import { WritePipeline } from './write-pipeline.service';

@Module({
  imports: [CacheModule, StorageModule],
  providers: [
    {
      provide: BinanceRestClient,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new BinanceRestClient({
          baseUrl: config.binance.restUrl,
          weightBudgetPerMinute: config.binance.restWeightBudgetPerMinute,
          requestTimeoutMs: 10_000,
        }),
    },
    BackfillService,
    CurrencyService,
    HealthService,
    LatestPriceView,
    MetricsService,
    OwnershipCoordinator,
    PricePushService,
    StreamSupervisor,
    SymbolListingService,
    TrackedSymbolsService,
    WritePipeline,
  ],
  exports: [OwnershipCoordinator, CurrencyService, MetricsService, PricePushService, HealthService, StreamSupervisor, WritePipeline, BackfillService],
})
export class IngestionModule {}
