import { Module } from '@nestjs/common';
import { CacheModule } from '@binance-rates/cache';
import { IngestionModule } from '@binance-rates/ingestion';
import { ServingModule } from '@binance-rates/serving';
import { MarketDataService } from './market/market-data.service';
import { BinanceRestRouter } from './rest/binance-rest.router';
import { BinanceStreamServer } from './streams/binance-stream.server';
import { LiveSources } from './streams/live-sources';

/** Binance's Spot market-data protocol over what the service serves; `installBinanceApi` puts it on the HTTP server. */
@Module({
  imports: [ServingModule, IngestionModule, CacheModule],
  providers: [MarketDataService, BinanceRestRouter, LiveSources, BinanceStreamServer],
  exports: [BinanceRestRouter, BinanceStreamServer],
})
export class BinanceApiModule {}
