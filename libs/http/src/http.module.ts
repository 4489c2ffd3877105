import { Module } from '@nestjs/common';
import { IngestionModule } from '@binance-rates/ingestion';
import { CurrencyController } from './currency.controller';
import { HealthController } from './health.controller';

@Module({
  imports: [IngestionModule],
  controllers: [CurrencyController, HealthController],
})
export class HttpModule {}
