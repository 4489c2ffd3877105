import { Module } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { IngestionModule } from '@binance-rates/ingestion';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyPolicy } from './api-key.policy';
import { CurrencyController } from './currency.controller';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { PriceStreamController } from './price-stream.controller';

@Module({
  imports: [IngestionModule],
  controllers: [CurrencyController, HealthController, MetricsController, PriceStreamController],
  providers: [{ provide: ApiKeyPolicy, inject: [AppConfig], useFactory: (config: AppConfig) => new ApiKeyPolicy(config.apiKeys) }, ApiKeyGuard],
})
export class HttpModule {}
