import { Module } from '@nestjs/common';
import { DatabaseClient } from './database.client';
import { TradeGapRepository } from './trade-gap.repository';
import { TradeRepository } from './trade.repository';
import { TrackedSymbolRepository } from './tracked-symbol.repository';

const providers = [DatabaseClient, TrackedSymbolRepository, TradeGapRepository, TradeRepository];

/** PostgreSQL access. Expects `AppConfig` to be provided globally by the application. */
@Module({ providers, exports: providers })
export class StorageModule {}
