import { archiveFileKey, archiveZipPath, dayOf, parseDay, planArchiveFiles } from '@binance-rates/binance';
import type { BenchContext } from '../bench.context';
import { newCpuMeter } from '../bench.context';
import { lastIds } from '../clients/emulator.client';
import type { ServiceImport } from '../clients/service.client';
import { nowMs, sleep } from '../infra/http-json';
import { WindowSampler } from '../infra/window-sampler';
import { checkStored, waitDrained } from './drain';
import { type FreshnessResult, measureFreshness } from './freshness.phase';

export interface ImportResult {
  symbol: string;
  from: string;
  to: string;
  files: string[];
  tradesPerDay: number;
  warm: boolean;
  /** Time to generate the files before the clock started (warm), else 0. */
  warmSeconds: number;
  tradesStored: number;
  /** From the POST to the import's `finishedAt`. */
  seconds: number;
  tradesPerSecond: number;
  /** Of the import's time: until its first trades were stored (the first file's download and checksum). */
  firstStoreSeconds: number;
  /** CPU-s per million trades imported over the import: service (import and live), PostgreSQL, emulator. */
  cpuPerMillion: { service: number; postgres: number; emulator: number; other: number };
  liveRate: number;
  freshnessIdle: FreshnessResult;
  freshnessDuring: FreshnessResult;
  shedDuring: number;
  liveLost: number;
  liveExpected: number;
  backlogHighWater: number | null;
  /** A year of the symbol at this density, at the measured rate. */
  projectedYearHours: number;
}

const POLL_MS = 250;

/**
 * One import of a month (the emulator's archive at a busy symbol's density) through the service's API while live
 * ingest runs: freshness idle, then the POST, then freshness once the import stores, polled until it is done; every
 * live trade of the phase is checked stored afterwards. With `importWarm` the month's files are generated (their
 * CHECKSUMs asked) before the clock starts, so the import downloads them as from S3; without, the emulator generates
 * each file when the import asks its checksum, on the same cores.
 */
export async function runImport(context: BenchContext): Promise<ImportResult> {
  const { config, emulator, service, symbols } = context;
  const symbol = config.importSymbol;
  const today = dayOf(Date.now());
  const files = planArchiveFiles({ symbol, fromDay: parseDay(config.importFrom) as number, toDay: parseDay(config.importTo) as number, today });
  let warmSeconds = 0;
  if (config.importWarm) {
    const warmStart = nowMs();
    for (const file of files) {
      const response = await fetch(`${emulator.restBaseUrl}${archiveZipPath(file)}.CHECKSUM`, { signal: AbortSignal.timeout(600_000) });
      if (!response.ok) {
        throw new Error(`the emulator has no ${archiveZipPath(file)}: ${response.status}`);
      }
      await response.text();
    }
    warmSeconds = (nowMs() - warmStart) / 1000;
  }

  const fromIds = lastIds(await emulator.client.stats(), symbols);
  await emulator.client.setRates(symbols, config.importLiveRate / symbols.length);
  await sleep(config.warmupSeconds * 1000);
  const freshnessIdle = await measureFreshness(context, symbols.slice(0, config.freshnessSymbols), config.importFreshnessSeconds);

  const shedBefore = await service.client.metric('trades_shed_total');
  const cpu = newCpuMeter(context).start();
  const sampler = new WindowSampler({ cpu, servicePid: service.process.pid, service: service.client }).start();
  const postedAt = Date.now();
  const created = await service.client.createImport(symbol, config.importFrom, config.importTo);
  let current: ServiceImport = created;
  while (current.tradesStored === 0 && !ended(current)) {
    await sleep(POLL_MS);
    current = await service.client.getImport(symbol, created.id);
  }
  const firstStoreSeconds = (Date.now() - postedAt) / 1000;
  const during = measureFreshness(context, symbols.slice(0, config.freshnessSymbols), config.importFreshnessSeconds);
  while (!ended(current)) {
    await sleep(POLL_MS);
    current = await service.client.getImport(symbol, created.id);
  }
  const samples = sampler.stop();
  const cpuReport = cpu.read();
  const freshnessDuring = await during;
  if (current.status !== 'done') {
    throw new Error(`import ${created.id} ended ${current.status}: ${current.error ?? ''}`);
  }
  const shedDuring = (await service.client.metric('trades_shed_total')) - shedBefore;

  await emulator.client.setRate('*', 0);
  const toIds = lastIds(await emulator.client.stats(), symbols);
  await waitDrained(context, toIds, config.drainTimeoutSeconds * 1000);
  const live = await checkStored(context, fromIds, toIds, config.drainTimeoutSeconds * 1000);

  const seconds = (Date.parse(current.finishedAt as string) - postedAt) / 1000;
  const millions = current.tradesStored / 1e6;
  const tradesPerSecond = current.tradesStored / seconds;
  return {
    symbol,
    from: config.importFrom,
    to: config.importTo,
    files: files.map(archiveFileKey),
    tradesPerDay: config.importTradesPerDay,
    warm: config.importWarm,
    warmSeconds,
    tradesStored: current.tradesStored,
    seconds,
    tradesPerSecond,
    firstStoreSeconds,
    cpuPerMillion: {
      service: cpuReport.service / millions,
      postgres: cpuReport.postgres / millions,
      emulator: cpuReport.emulator / millions,
      other: (cpuReport.other + cpuReport.foreignPostgres) / millions,
    },
    liveRate: config.importLiveRate,
    freshnessIdle,
    freshnessDuring,
    shedDuring,
    liveLost: live.lost,
    liveExpected: live.expected,
    backlogHighWater: samples.pendingHighWater,
    projectedYearHours: (365 * config.importTradesPerDay) / tradesPerSecond / 3600,
  };
}

function ended(job: ServiceImport): boolean {
  return job.status === 'done' || job.status === 'failed' || job.status === 'cancelled';
}
