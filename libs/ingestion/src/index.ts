export * from './backfill.service';
export * from './currency.errors';
export * from './currency.service';
export * from './health.service';
export * from './ingestion.module';
export * from './ownership-coordinator.service';
export * from './stream-supervisor.service';
export * from './write-pipeline.service';
