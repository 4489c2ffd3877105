import type { BenchContext } from '../bench.context';
import { type FleetLoadStep, runFleetLoad } from './fleet-load';

/** A fan-out step: the fleet's figures, its ended clients as the WebSocket closes they were (1008 for one too far behind). */
export interface FanoutResult extends Omit<FleetLoadStep, 'ended' | 'endReasons'> {
  closed: number;
  closeReasons: string[];
}

/**
 * Fan-out of the Binance-compatible streams: the market trades `fanoutRate` over the tracked symbols, and for each
 * count in `fanoutClients` that many WebSocket clients (their own process) each follow `<symbol>@aggTrade` of
 * `fanoutSymbolsPerClient` symbols on `/stream` for `fanoutSeconds`. The service's CPU with the clients is compared
 * with a window at the same rate without any, so the difference is what the fan-out costs (the trade feed's publish
 * included: without a listener the publisher skips it).
 */
export async function runFanout(context: BenchContext): Promise<FanoutResult[]> {
  const { config, service } = context;
  const steps = await runFleetLoad(context, {
    name: 'stream clients',
    script: 'dist/bench/src/fanout/ws-clients.js',
    args: [service.client.baseUrl.replace(/^http/, 'ws')],
    answerTimeoutMs: 120_000,
    rate: config.fanoutRate,
    clientCounts: config.fanoutClients,
    symbolsPerClient: config.fanoutSymbolsPerClient,
    seconds: config.fanoutSeconds,
  });
  return steps.map(({ ended, endReasons, ...step }) => ({ ...step, closed: ended, closeReasons: endReasons }));
}
