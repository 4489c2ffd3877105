export * from './database.client';
export * from './migrate';
export { findMigrationsDir } from './schema-engine';
export * from './storage.module';
export * from './trade-gap.repository';
export * from './trade-copy-batch';
export * from './trade.repository';
export * from './tracked-symbol.repository';
