import type { BenchContext } from '../bench.context';
import { runFleetLoad } from './fleet-load';

export interface FanoutResult {
  offeredPerSecond: number;
  clients: number;
  symbolsPerClient: number;
  connected: number;
  refused: number;
  /** Service busy cores at the same trade rate with no stream client, then with these clients. */
  serviceCoresWithout: number;
  serviceCoresWith: number;
  /** What the extra service CPU comes to per event delivered. */
  serviceMicrosPerEvent: number;
  clientCores: number;
  eventsPerSecond: number;
  megabytesPerSecond: number;
  /** Trade time (`T`) to the client receiving the event. */
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** Clients the service closed (with its close code and reason, e.g. 1008 for one too far behind) or that broke. */
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
  return steps.map((step) => ({
    offeredPerSecond: config.fanoutRate,
    clients: step.clients,
    symbolsPerClient: config.fanoutSymbolsPerClient,
    connected: step.connected,
    refused: step.refused,
    serviceCoresWithout: step.serviceCoresWithout,
    serviceCoresWith: step.serviceCoresWith,
    serviceMicrosPerEvent: step.serviceMicrosPerEvent,
    clientCores: step.clientCores,
    eventsPerSecond: step.eventsPerSecond,
    megabytesPerSecond: step.megabytesPerSecond,
    delayP50Ms: step.delayP50Ms,
    delayP99Ms: step.delayP99Ms,
    delayMaxMs: step.delayMaxMs,
    closed: step.ended,
    closeReasons: step.endReasons,
  }));
}
