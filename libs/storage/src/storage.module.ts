import { Module } from '@nestjs/common';
import { CandleRepository } from './candle.repository';
import { CandleRollupRepository } from './candles/candle-rollup.repository';
import { CandleRollupScheduler } from './candles/candle-rollup.scheduler';
import { CandleRollupWriter } from './candles/candle-rollup.writer';
import { DatabaseClient } from './database.client';
import { TradeCopyWriter } from './trade-copy.writer';
import { TradeGapRepository } from './trade-gap.repository';
import { TradeRepository } from './trade.repository';
import { TrackedSymbolRepository } from './tracked-symbol.repository';

const providers = [DatabaseClient, TrackedSymbolRepository, TradeGapRepository, TradeCopyWriter, TradeRepository, CandleRepository, CandleRollupWriter, CandleRollupRepository];

/** PostgreSQL access. Expects `AppConfig` to be provided globally by the application. */
@Module({ providers: [...providers, CandleRollupScheduler], exports: providers })
export class StorageModule {}

