import { Module } from '@nestjs/common';
import { IngestionModule } from '@binance-rates/ingestion';
import { CacheModule } from '@binance-rates/cache';
import { StorageModule } from '@binance-rates/storage';
import { ClusterStatsReporter } from './cluster-stats.reporter';
import { ClusterViewService } from './cluster-view.service';
import { EventLoopDelayMonitor } from './event-loop-delay.monitor';
import { HealthService } from './health.service';
import { ImportsService } from './imports.service';
import { MetricsService } from './metrics.service';
import { PricePushService } from './price-push.service';
import { SymbolListingService } from './symbol-listing.service';
import { SymbolsService } from './symbols.service';

/** What the API serves, read from the ingestion's state and the stores: symbols, history, live push, health, metrics, the cluster view. */
@Module({
  imports: [IngestionModule, CacheModule, StorageModule],
  providers: [ClusterStatsReporter, ClusterViewService, EventLoopDelayMonitor, HealthService, ImportsService, MetricsService, PricePushService, SymbolListingService, SymbolsService],
  exports: [ClusterViewService, HealthService, ImportsService, MetricsService, PricePushService, SymbolListingService, SymbolsService],
})
export class ServingModule {}
