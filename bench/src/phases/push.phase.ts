import type { BenchContext } from '../bench.context';
import { runFleetLoad } from './fleet-load';

export interface PushResult {
  offeredPerSecond: number;
  clients: number;
  symbolsPerClient: number;
  connected: number;
  /** Clients the service refused (503 beyond PRICE_PUSH_MAX_CLIENTS) or that could not connect. */
  refused: number;
  /** Service busy cores at the same trade rate with no live-push client, then with these clients. */
  serviceCoresWithout: number;
  serviceCoresWith: number;
  /** What the extra service CPU comes to per price event delivered. */
  serviceMicrosPerEvent: number;
  /** Busy cores of the clients' own process (it shares the machine). */
  clientCores: number;
  priceEventsPerSecond: number;
  megabytesPerSecond: number;
  /** Trade time to the client receiving it, push interval included. */
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** Clients whose stream ended (with the reason the service gave, e.g. falling 1 MiB behind) or broke. */
  ended: number;
  endReasons: string[];
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
  return steps.map((step) => ({
    offeredPerSecond: config.pushRate,
    clients: step.clients,
    symbolsPerClient: config.pushSymbolsPerClient,
    connected: step.connected,
    refused: step.refused,
    serviceCoresWithout: step.serviceCoresWithout,
    serviceCoresWith: step.serviceCoresWith,
    serviceMicrosPerEvent: step.serviceMicrosPerEvent,
    clientCores: step.clientCores,
    priceEventsPerSecond: step.eventsPerSecond,
    megabytesPerSecond: step.megabytesPerSecond,
    lagP50Ms: step.delayP50Ms,
    lagP99Ms: step.delayP99Ms,
    lagMaxMs: step.delayMaxMs,
    ended: step.ended,
    endReasons: step.endReasons,
  }));
}
