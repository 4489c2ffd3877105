import { Module } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { ServingModule } from '@binance-rates/serving';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyPolicy } from './api-key.policy';
import { ClusterController } from './cluster.controller';
import { ListingController } from './listing.controller';
import { SymbolsController } from './symbols.controller';
import { HealthController } from './health.controller';
import { ImportsController } from './imports.controller';
import { MetricsController } from './metrics.controller';
import { PriceStreamController } from './price-stream.controller';

@Module({
  imports: [ServingModule],
  controllers: [SymbolsController, ImportsController, ListingController, HealthController, ClusterController, MetricsController, PriceStreamController],
  providers: [{ provide: ApiKeyPolicy, inject: [AppConfig], useFactory: (config: AppConfig) => new ApiKeyPolicy(config.apiKeys) }, ApiKeyGuard],
})
export class HttpModule {}
