import { join } from 'node:path';
import type { BenchContext } from '../bench.context';
import { newCpuMeter } from '../bench.context';
import type { FleetOpened, FleetSample } from '../fleet/client-fleet';
import { sleep } from '../infra/http-json';
import { ManagedProcess } from '../infra/managed-process';

export interface FleetLoadParams {
  /** The client process (a `runClientFleet` script) under dist/, as it appears in logs, and its argv. */
  name: string;
  script: string;
  args: string[];
  /** Longest wait for the clients' process to answer one message (opening them all is the slow one). */
  answerTimeoutMs: number;
  /** Offered trades/s over the tracked symbols, client counts (one step each), symbols each client follows. */
  rate: number;
  clientCounts: number[];
  symbolsPerClient: number;
  /** Length of each measuring window. */
  seconds: number;
}

/** One step of client count; the push and fan-out phases rename the protocol-specific figures. */
export interface FleetLoadStep {
  offeredPerSecond: number;
  clients: number;
  symbolsPerClient: number;
  connected: number;
  /** Clients the service refused, or that could not connect. */
  refused: number;
  /** Service busy cores at the same trade rate with no client, then with these clients. */
  serviceCoresWithout: number;
  serviceCoresWith: number;
  /** What the extra service CPU comes to per event delivered. */
  serviceMicrosPerEvent: number;
  /** Busy cores of the clients' own process (it shares the machine). */
  clientCores: number;
  eventsPerSecond: number;
  megabytesPerSecond: number;
  /** Trade time to the client receiving the event. */
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** Clients the service ended (with the reason it gave) or that broke. */
  ended: number;
  endReasons: string[];
}

/**
 * A fleet of clients (their own process) under a steady market: the market trades `rate` over the tracked symbols, and
 * for each count in `clientCounts` that many clients each follow `symbolsPerClient` symbols for `seconds`. The
 * service's CPU with the clients is compared with a window at the same rate without any, so the difference is what
 * serving them costs.
 */
export async function runFleetLoad(context: BenchContext, params: FleetLoadParams): Promise<FleetLoadStep[]> {
  const { config, emulator, symbols } = context;
  const { process: clientsProcess } = await ManagedProcess.start({
    name: params.name,
    script: join(config.rootDir, params.script),
    args: params.args,
    cwd: config.rootDir,
    env: { PATH: process.env['PATH'] },
    readyPattern: /^\{"event":"ready"\}$/,
    ipc: true,
  });
  const ask = <T extends { type: string }>(message: object, answer: T['type']) => clientsProcess.request<T>(message, answer, params.answerTimeoutMs);
  /** Busy cores of the service and of the clients' process over one measuring window. */
  const measureCores = async () => {
    const cpu = newCpuMeter(context, { peer: clientsProcess.pid }).start();
    await sleep(params.seconds * 1000);
    const used = cpu.read();
    return { service: used.service / used.wallSeconds, clients: used.peer / used.wallSeconds };
  };
  try {
    await emulator.client.setRates(symbols, params.rate / symbols.length);
    await sleep(config.warmupSeconds * 1000);
    const without = await measureCores();
    const steps: FleetLoadStep[] = [];
    for (const count of params.clientCounts) {
      const follow = Array.from({ length: count }, (_, client) =>
        Array.from({ length: params.symbolsPerClient }, (_, k) => symbols[(client * params.symbolsPerClient + k) % symbols.length]),
      );
      const opened = await ask<FleetOpened>({ type: 'open', follow }, 'opened');
      await sleep(config.warmupSeconds * 1000);
      await ask<FleetSample>({ type: 'sample' }, 'sample');
      const withClients = await measureCores();
      const sample = await ask<FleetSample>({ type: 'sample' }, 'sample');
      await ask({ type: 'close' }, 'closed');
      const eventsPerSecond = sample.events / sample.seconds;
      steps.push({
        offeredPerSecond: params.rate,
        clients: count,
        symbolsPerClient: params.symbolsPerClient,
        connected: opened.connected,
        refused: opened.refused,
        serviceCoresWithout: without.service,
        serviceCoresWith: withClients.service,
        serviceMicrosPerEvent: eventsPerSecond > 0 ? ((withClients.service - without.service) * 1e6) / eventsPerSecond : Number.NaN,
        clientCores: withClients.clients,
        eventsPerSecond,
        megabytesPerSecond: sample.bytes / sample.seconds / 1e6,
        // NaN (no event) arrives over IPC as null.
        delayP50Ms: sample.delayP50Ms ?? Number.NaN,
        delayP99Ms: sample.delayP99Ms ?? Number.NaN,
        delayMaxMs: sample.delayMaxMs ?? Number.NaN,
        ended: sample.ended,
        endReasons: sample.endReasons,
      });
      await sleep(1000);
    }
    return steps;
  } finally {
    await emulator.client.setRate('*', 0);
    await clientsProcess.stop(5_000);
  }
}
