import type { BenchContext } from '../bench.context';
import { newCpuMeter } from '../bench.context';
import { mapBounded, nowMs, sleep } from '../infra/http-json';
import { readRssBytes } from '../infra/proc-stats';
import { WindowSampler } from '../infra/window-sampler';
import { percentile } from './freshness.math';

export interface ScaleResult {
  symbols: number;
  ratePerSymbol: number;
  /** Until every POST /api/currency was answered. */
  addSeconds: number;
  addP50Ms: number;
  addP99Ms: number;
  addFailures: number;
  /** From the first POST until /health reports every symbol live; null if not within the timeout. */
  subscribedSeconds: number | null;
  /** From the first POST until the emulator has an aggTrade stream open for every symbol. */
  emulatorSubscribedSeconds: number | null;
  /** From the first POST until every symbol has a latest price in Redis. */
  pricedSeconds: number | null;
  rssAtSubscribedMb: number;
  /** Steady window with every symbol streaming. */
  steadySeconds: number;
  rssPeakMb: number;
  serviceCpuPercent: number;
  storesCpuPercent: number;
}

const POLL_MS = 100;

/**
 * A fresh instance is asked to track `symbols` at once (POSTs bounded to `concurrency` in flight) while the market
 * already trades them; the clock runs from the first POST until /health, the emulator and Redis each say every
 * symbol is live. Then a steady window measures memory and CPU with all of them streaming.
 */
export async function runScale(context: BenchContext, timeoutMs: number): Promise<ScaleResult> {
  const { config, emulator, service, redis, symbols } = context;
  await emulator.client.setRate('*', config.scaleRatePerSymbol);
  const start = nowMs();
  const milestones: { subscribed: number | null; emulator: number | null; priced: number | null } = {
    subscribed: null,
    emulator: null,
    priced: null,
  };
  let adding = true;
  const watch = (async () => {
    while (nowMs() - start < timeoutMs && (milestones.subscribed === null || milestones.emulator === null || milestones.priced === null)) {
      const at = nowMs();
      if (milestones.subscribed === null) {
        const health = await service.client.health().catch(() => null);
        if (health && !adding && health.stream.liveSymbols >= symbols.length) milestones.subscribed = at;
      }
      if (milestones.emulator === null && !adding) {
        if ((await emulator.client.subscribedCount(symbols)) === symbols.length) milestones.emulator = at;
      }
      if (milestones.priced === null && !adding) {
        const ids = await redis.latestTradeIds(service.redisPrefix, symbols);
        if (symbols.every((symbol) => (ids.get(symbol) ?? 0) > 0)) milestones.priced = at;
      }
      await sleep(POLL_MS);
    }
  })();
  const latencies: number[] = [];
  let failures = 0;
  await mapBounded(symbols, config.scaleAddConcurrency, async (symbol) => {
    const sentAt = nowMs();
    await service.client.addCurrency(symbol).catch(() => {
      failures += 1;
    });
    latencies.push(nowMs() - sentAt);
  });
  const addSeconds = (nowMs() - start) / 1000;
  adding = false;
  await watch;
  const rssAtSubscribed = readRssBytes(service.process.pid) ?? 0;

  const cpu = newCpuMeter(context).start();
  const sampler = new WindowSampler({ cpu, servicePid: service.process.pid }).start();
  await sleep(config.scaleSeconds * 1000);
  const samples = sampler.stop();
  const report = cpu.read();
  await emulator.client.setRate('*', 0);
  const since = (at: number | null) => (at === null ? null : (at - start) / 1000);
  return {
    symbols: symbols.length,
    ratePerSymbol: config.scaleRatePerSymbol,
    addSeconds,
    addP50Ms: percentile(latencies, 50),
    addP99Ms: percentile(latencies, 99),
    addFailures: failures,
    subscribedSeconds: since(milestones.subscribed),
    emulatorSubscribedSeconds: since(milestones.emulator),
    pricedSeconds: since(milestones.priced),
    rssAtSubscribedMb: rssAtSubscribed / 2 ** 20,
    steadySeconds: report.wallSeconds,
    rssPeakMb: samples.rssPeakBytes / 2 ** 20,
    serviceCpuPercent: (100 * report.service) / report.wallSeconds,
    storesCpuPercent: (100 * (report.postgres + report.redis)) / report.wallSeconds,
  };
}
