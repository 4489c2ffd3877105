import { parentPort, workerData } from 'node:worker_threads';
import { applyMigrations } from '@binance-rates/storage';

export interface MigrationsWorkerResult {
  applied?: string[];
  error?: string;
}

// Runs in a worker thread (see runMigrations): the schema engine's WebAssembly memory goes away with the thread.
applyMigrations({ databaseUrl: (workerData as { databaseUrl: string }).databaseUrl }).then(
  (applied) => parentPort?.postMessage({ applied } satisfies MigrationsWorkerResult),
  (error: unknown) =>
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies MigrationsWorkerResult),
);
