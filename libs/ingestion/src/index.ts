export * from './cluster/stream-status.view';
export * from './gaps/backfill-runner.service';
export * from './ingestion.module';
export * from './lifecycle/ingestion-progress.service';
export * from './live/stream-supervisor.service';
export * from './tracking/tracked-symbols.service';
export * from './write/latest-price.view';
export * from './write/write-pipeline.service';
