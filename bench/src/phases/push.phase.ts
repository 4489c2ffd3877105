import type { BenchContext } from '../bench.context';
import { type FleetLoadStep, runFleetLoad } from './fleet-load';

/** A push step: the fleet's figures, its events as price events and their delay as lag (push interval included). */
export interface PushResult extends Omit<FleetLoadStep, 'eventsPerSecond' | 'delayP50Ms' | 'delayP99Ms' | 'delayMaxMs'> {
  priceEventsPerSecond: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

/**
 * The live push under load: the market trades `pushRate` over the tracked symbols, and for each count in `pushClients`
 * that many `GET /api/currencies/stream` clients (their own process) each follow `pushSymbolsPerClient` symbols for
 * `pushSeconds`. The service's CPU with the clients is compared with a window at the same rate without any, so the
 * difference is what the push costs.
 */
export async function runPush(context: BenchContext): Promise<PushResult[]> {
  const { config, service } = context;
  const steps = await runFleetLoad(context, {
    name: 'push clients',
    script: 'dist/bench/src/push/push-clients.js',
    args: [service.client.baseUrl],
    answerTimeoutMs: 60_000,
    rate: config.pushRate,
    clientCounts: config.pushClients,
    symbolsPerClient: config.pushSymbolsPerClient,
    seconds: config.pushSeconds,
  });
  return steps.map(({ eventsPerSecond, delayP50Ms, delayP99Ms, delayMaxMs, ...step }) => ({
    ...step,
    priceEventsPerSecond: eventsPerSecond,
    lagP50Ms: delayP50Ms,
    lagP99Ms: delayP99Ms,
    lagMaxMs: delayMaxMs,
  }));
}
