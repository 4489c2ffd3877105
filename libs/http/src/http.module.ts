import { Module } from '@nestjs/common';
import { IngestionModule } from '@binance-rates/ingestion';
import { CurrencyController } from './currency.controller';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { PriceStreamController } from './price-stream.controller';

@Module({
  imports: [IngestionModule],
  controllers: [CurrencyController, HealthController, MetricsController, PriceStreamController],
})
export class HttpModule {}
