import { Module } from '@nestjs/common';
import { ArchiveImportRepository } from './archive-import.repository';
import { CandleRepository } from './candle.repository';
import { CandleRollupRepository } from './candles/candle-rollup.repository';
import { CandleRollupWriter } from './candles/candle-rollup.writer';
import { DatabaseClient } from './database.client';
import { HistoryCoverageRepository } from './history-coverage.repository';
import { HistoryCompactor } from './history/history-compactor';
import { LegacyHistoryConverter } from './history/legacy-history.converter';
import { TradeBlockPartitions } from './history/trade-block-partitions';
import { TradeHistoryWriter } from './history/trade-history.writer';
import { TradeGapRepository } from './trade-gap.repository';
import { TradeRepository } from './trade.repository';
import { TrackedSymbolRepository } from './tracked-symbol.repository';

const providers = [
  DatabaseClient,
  ArchiveImportRepository,
  TrackedSymbolRepository,
  TradeGapRepository,
  TradeBlockPartitions,
  TradeHistoryWriter,
  HistoryCompactor,
  HistoryCoverageRepository,
  LegacyHistoryConverter,
  TradeRepository,
  CandleRepository,
  CandleRollupWriter,
  CandleRollupRepository,
];

/** PostgreSQL access. Expects `AppConfig` to be provided globally by the application. */
@Module({ providers, exports: providers })
export class StorageModule {}

