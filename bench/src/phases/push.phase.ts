import { join } from 'node:path';
import type { BenchContext } from '../bench.context';
import { newCpuMeter } from '../bench.context';
import { sleep } from '../infra/http-json';
import { ManagedProcess } from '../infra/managed-process';
import type { PushSample } from '../push/push-clients';

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
  ended: number;
  endReasons: string[];
}

interface Reply {
  type: string;
}

/**
 * The live push under load: the market trades `pushRate` over the tracked symbols, and for each count in `pushClients`
 * that many `GET /api/currencies/stream` clients (their own process) each follow `pushSymbolsPerClient` symbols for
 * `pushSeconds`. The service's CPU with the clients is compared with a window at the same rate without any, so the
 * difference is what the push costs.
 */
export async function runPush(context: BenchContext): Promise<PushResult[]> {
  const { config, emulator, service, symbols } = context;
  const { process: clientsProcess } = await ManagedProcess.start({
    name: 'push clients',
    script: join(config.rootDir, 'dist/bench/src/push/push-clients.js'),
    args: [service.client.baseUrl],
    cwd: config.rootDir,
    env: { PATH: process.env['PATH'] },
    readyPattern: /^\{"event":"ready"\}$/,
    ipc: true,
  });
  const ask = <T extends Reply>(message: object, answer: string) => clientsProcess.request<T>(message, answer, 60_000);
  /** Busy cores of the service and of the clients' process over one measuring window. */
  const measureCores = async () => {
    const cpu = newCpuMeter(context, { peer: clientsProcess.pid }).start();
    await sleep(config.pushSeconds * 1000);
    const used = cpu.read();
    return { service: used.service / used.wallSeconds, clients: used.peer / used.wallSeconds };
  };
  try {
    await emulator.client.setRates(symbols, config.pushRate / symbols.length);
    await sleep(config.warmupSeconds * 1000);
    const without = await measureCores();
    const results: PushResult[] = [];
    for (const count of config.pushClients) {
      const follow = Array.from({ length: count }, (_, client) =>
        Array.from({ length: config.pushSymbolsPerClient }, (_, k) => symbols[(client * config.pushSymbolsPerClient + k) % symbols.length]),
      );
      const opened = await ask<Reply & { connected: number; refused: number }>({ type: 'open', follow }, 'opened');
      await sleep(config.warmupSeconds * 1000);
      await ask<PushSample>({ type: 'sample' }, 'sample');
      const withClients = await measureCores();
      const sample = await ask<PushSample>({ type: 'sample' }, 'sample');
      await ask({ type: 'close' }, 'closed');
      const eventsPerSecond = sample.priceEvents / sample.seconds;
      results.push({
        offeredPerSecond: config.pushRate,
        clients: count,
        symbolsPerClient: config.pushSymbolsPerClient,
        connected: opened.connected,
        refused: opened.refused,
        serviceCoresWithout: without.service,
        serviceCoresWith: withClients.service,
        serviceMicrosPerEvent: eventsPerSecond > 0 ? ((withClients.service - without.service) * 1e6) / eventsPerSecond : Number.NaN,
        clientCores: withClients.clients,
        priceEventsPerSecond: eventsPerSecond,
        megabytesPerSecond: sample.bytes / sample.seconds / 1e6,
        lagP50Ms: sample.lagP50Ms,
        lagP99Ms: sample.lagP99Ms,
        lagMaxMs: sample.lagMaxMs,
        ended: sample.ended,
        endReasons: sample.endReasons,
      });
      await sleep(1000);
    }
    return results;
  } finally {
    await emulator.client.setRate('*', 0);
    await clientsProcess.stop(5_000);
  }
}
