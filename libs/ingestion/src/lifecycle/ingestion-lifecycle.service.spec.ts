import { testConfig } from '@binance-rates/testing';
import { OwnershipCoordinator } from '../cluster/ownership-coordinator.service';
import { BackfillRunner } from '../gaps/backfill-runner.service';
import { GapLedger } from '../gaps/gap-ledger.service';
import { ArchiveImportRunner } from '../import/archive-import.runner';
import { StreamSupervisor } from '../live/stream-supervisor.service';
import { TrackedSymbolsListener, TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { CandleRollupScheduler } from '../write/candle-rollup.scheduler';
import { HistoryMaintenance } from '../write/history-maintenance.service';
import { LatestPriceSeeder } from '../write/latest-price-seeder';
import { LatestPriceView } from '../write/latest-price.view';
import { WritePipeline } from '../write/write-pipeline.service';
import { IngestionLifecycle, SHUTDOWN_BUDGET } from './ingestion-lifecycle.service';

const SHUTDOWN_TIMEOUT_MS = 10_000;

/** Fakes that log each call as `part.method`; `drain` hangs when asked to. */
function parts({ drainHangs = false } = {}) {
  const calls: string[] = [];
  let listener: TrackedSymbolsListener | null = null;
  const log = (name: string) => () => void calls.push(name);
  const tracked = {
    onChange: (registered: TrackedSymbolsListener) => (listener = registered),
    start: async () => void calls.push('tracked.start'),
    stop: log('tracked.stop'),
  };
  const view = {
    start: log('view.start'),
    stop: log('view.stop'),
    applyChange: log('view.applyChange'),
    resync: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      calls.push('view.resync');
    },
  };
  const supervisor = { start: log('supervisor.start'), stop: log('supervisor.stop') };
  const runner = { start: log('runner.start'), stop: async () => void calls.push('runner.stop') };
  const coordinator = {
    start: async () => void calls.push('coordinator.start'),
    applyChange: log('coordinator.applyChange'),
    stopRounds: async () => void calls.push('coordinator.stopRounds'),
    leave: async () => void calls.push('coordinator.leave'),
  };
  const pipeline = {
    drain: (timeoutMs: number) => {
      calls.push(`pipeline.drain(${timeoutMs})`);
      return drainHangs ? new Promise<boolean>(() => undefined) : Promise.resolve(true);
    },
    stop: log('pipeline.stop'),
    forget: log('pipeline.forget'),
    stats: () => ({ pendingTrades: 0 }),
  };
  const seeder = { start: log('seeder.start'), stop: log('seeder.stop') };
  const ledger = { handOver: async () => void calls.push('ledger.handOver') };
  const maintenance = { start: log('maintenance.start'), stop: async () => void calls.push('maintenance.stop') };
  const rollups = { start: log('rollups.start'), stop: async () => void calls.push('rollups.stop') };
  const importer = { start: log('importer.start'), stop: async () => void calls.push('importer.stop') };
  const lifecycle = new IngestionLifecycle(
    testConfig({ shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS }),
    tracked as unknown as TrackedSymbolsService,
    view as unknown as LatestPriceView,
    supervisor as unknown as StreamSupervisor,
    runner as unknown as BackfillRunner,
    coordinator as unknown as OwnershipCoordinator,
    pipeline as unknown as WritePipeline,
    ledger as unknown as GapLedger,
    seeder as unknown as LatestPriceSeeder,
    maintenance as unknown as HistoryMaintenance,
    importer as unknown as ArchiveImportRunner,
    rollups as unknown as CandleRollupScheduler,
  );
  return { lifecycle, calls, change: (added: string[], removed: string[]) => listener?.({ added, removed }) };
}

describe('IngestionLifecycle', () => {
  afterEach(() => jest.useRealTimers());

  it('starts the parts in order, the latest prices loaded before it serves, the first ownership round last, and routes tracked-list changes to the view and the coordinator', async () => {
    const { lifecycle, calls, change } = parts();
    await lifecycle.onApplicationBootstrap();
    expect(calls).toEqual(['view.start', 'supervisor.start', 'runner.start', 'tracked.start', 'view.resync', 'seeder.start', 'maintenance.start', 'rollups.start', 'importer.start', 'coordinator.start']);
    calls.length = 0;
    change(['BTCUSDT'], []);
    expect(calls).toEqual(['view.applyChange', 'coordinator.applyChange']);
  });

  it('has the pipeline forget the latest prices of removed symbols before the others hear of the removal', async () => {
    const { lifecycle, calls, change } = parts();
    await lifecycle.onApplicationBootstrap();
    calls.length = 0;
    change([], ['BTCUSDT']);
    expect(calls).toEqual(['pipeline.forget', 'view.applyChange', 'coordinator.applyChange']);
  });

  it('stops in one sequence: rounds, streams, backfill and import, drain, gap hand-over, leases', async () => {
    const { lifecycle, calls } = parts();
    await lifecycle.beforeApplicationShutdown();
    expect(calls).toEqual([
      'coordinator.stopRounds',
      'tracked.stop',
      'view.stop',
      'seeder.stop',
      'supervisor.stop',
      'maintenance.stop',
      'rollups.stop',
      'runner.stop',
      'importer.stop',
      `pipeline.drain(${SHUTDOWN_TIMEOUT_MS * SHUTDOWN_BUDGET.drain})`,
      'pipeline.stop',
      'ledger.handOver',
      'coordinator.leave',
    ]);
  });

  it('cuts a drain that hangs at its budget and still hands the gaps and the leases over', async () => {
    jest.useFakeTimers();
    const { lifecycle, calls } = parts({ drainHangs: true });
    const stopping = lifecycle.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(SHUTDOWN_TIMEOUT_MS * SHUTDOWN_BUDGET.drain - 1);
    expect(calls).not.toContain('ledger.handOver');
    await jest.advanceTimersByTimeAsync(1);
    await stopping;
    expect(calls.slice(-3)).toEqual(['pipeline.stop', 'ledger.handOver', 'coordinator.leave']);
  });

  it('leaves a tenth of SHUTDOWN_TIMEOUT_MS for closing the HTTP server and the stores', () => {
    const total = Object.values(SHUTDOWN_BUDGET).reduce((sum, share) => sum + share, 0);
    expect(total).toBeCloseTo(0.9);
  });
});
