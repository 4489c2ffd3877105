import type { BenchContext } from '../bench.context';
import { newCpuMeter } from '../bench.context';
import { generatedBetween, lastIds } from '../clients/emulator.client';
import type { CpuReport } from '../infra/cpu-meter';
import { nowMs, sleep } from '../infra/http-json';
import { WindowSampler } from '../infra/window-sampler';
import { checkStored, waitDrained } from './drain';
import { FreshnessResult, measureFreshness } from './freshness.phase';

export interface CpuPerMillion {
  service: number;
  postgres: number;
  redis: number;
  /** PostgreSQL + Redis. */
  stores: number;
  /** Service + PostgreSQL + Redis: the efficiency figure. */
  total: number;
  emulator: number;
}

export interface IngestResult {
  offeredPerSecond: number;
  /** What the emulator actually generated (and sent) per second in the window. */
  generatedPerSecond: number;
  windowSeconds: number;
  tradesInWindow: number;
  /** Trades of the window / time from window start until all of them were in PostgreSQL and Redis. */
  persistedPerSecond: number;
  /** From stopping the market to everything stored; null if it did not drain before the timeout. */
  drainMs: number | null;
  expected: number;
  stored: number;
  lost: number;
  /** Symbols whose latest price in Redis is not the emulator's last trade after draining. */
  latestPriceMismatches: number;
  backlogHighWater: number | null;
  rssPeakMb: number;
  cpu: CpuReport;
  cpuPerMillion: CpuPerMillion;
  /** Connections the emulator cut as slow consumers, and connections accepted, during the step. */
  slowConsumerDisconnects: number;
  connectionsAccepted: number;
}

export interface IngestStepResult {
  ingest: IngestResult;
  freshness: FreshnessResult | null;
}

/**
 * One offered load: warm up, measure a steady window (CPU, RSS, backlog), stop the market, time the drain, then
 * optionally measure freshness at the same load, and finally check that every trade sent in the whole step is
 * stored and every latest price is the emulator's last.
 */
export async function runIngestStep(context: BenchContext, rate: number, withFreshness: boolean): Promise<IngestStepResult> {
  const { config, emulator, service, symbols } = context;
  const drainTimeoutMs = config.drainTimeoutSeconds * 1000;
  const perSymbol = rate / symbols.length;
  const startStats = await emulator.client.stats();
  const fromIds = lastIds(startStats, symbols);

  await emulator.client.setRates(symbols, perSymbol);
  await sleep(config.warmupSeconds * 1000);

  const cpu = newCpuMeter(context).start();
  const sampler = new WindowSampler({ cpu, servicePid: service.process.pid, service: service.client }).start();
  const before = await emulator.client.stats();
  await sleep(config.ingestSeconds * 1000);
  await emulator.client.setRate('*', 0);
  const windowEnd = nowMs();
  const after = await emulator.client.stats();
  const windowIds = lastIds(after, symbols);
  const drainedAt = await waitDrained(context, windowIds, drainTimeoutMs);
  const samples = sampler.stop();
  const cpuReport = cpu.read();
  const windowCheck = await checkStored(context, fromIds, windowIds, drainTimeoutMs);
  // The count query takes time of its own: it is only charged when the first count was still short.
  const persistedAt = drainedAt !== null && windowCheck.firstCountMatched ? drainedAt : windowCheck.completeAt;

  let freshness: FreshnessResult | null = null;
  let finalIds = windowIds;
  if (withFreshness) {
    await emulator.client.setRates(symbols, perSymbol);
    await sleep(1000);
    freshness = await measureFreshness(context, symbols.slice(0, config.freshnessSymbols), config.freshnessSeconds);
    await emulator.client.setRate('*', 0);
    finalIds = lastIds(await emulator.client.stats(), symbols);
    await waitDrained(context, finalIds, drainTimeoutMs);
  }

  // Without a freshness window nothing was sent after the ingest window, which is counted already.
  const stepCheck = withFreshness ? await checkStored(context, fromIds, finalIds, drainTimeoutMs) : windowCheck;
  const latest = await context.redis.latestTradeIds(service.redisPrefix, symbols);
  const latestPriceMismatches = symbols.filter((symbol) => latest.get(symbol) !== finalIds.get(symbol)).length;
  const endStats = await emulator.client.stats();

  // Timed by the emulator's clock between the two stats snapshots (see EmulatorStats.uptimeMs).
  const windowSeconds = (after.uptimeMs - before.uptimeMs) / 1000;
  const tradesInWindow = generatedBetween(before, after, symbols);
  const millions = tradesInWindow / 1e6;
  const perMillion = (seconds: number) => (millions > 0 ? seconds / millions : Number.NaN);
  return {
    ingest: {
      offeredPerSecond: rate,
      generatedPerSecond: tradesInWindow / windowSeconds,
      windowSeconds,
      tradesInWindow,
      persistedPerSecond: persistedAt === null ? Number.NaN : tradesInWindow / (windowSeconds + (persistedAt - windowEnd) / 1000),
      drainMs: persistedAt === null ? null : persistedAt - windowEnd,
      expected: stepCheck.expected,
      stored: stepCheck.stored,
      lost: stepCheck.lost,
      latestPriceMismatches,
      backlogHighWater: samples.pendingHighWater,
      rssPeakMb: samples.rssPeakBytes / 2 ** 20,
      cpu: cpuReport,
      cpuPerMillion: {
        service: perMillion(cpuReport.service),
        postgres: perMillion(cpuReport.postgres),
        redis: perMillion(cpuReport.redis),
        stores: perMillion(cpuReport.postgres + cpuReport.redis),
        total: perMillion(cpuReport.service + cpuReport.postgres + cpuReport.redis),
        emulator: perMillion(cpuReport.emulator),
      },
      slowConsumerDisconnects: endStats.slowConsumerDisconnects - startStats.slowConsumerDisconnects,
      connectionsAccepted: endStats.connectionsAccepted - startStats.connectionsAccepted,
    },
    freshness,
  };
}
