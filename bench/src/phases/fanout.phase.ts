import { join } from 'node:path';
import type { BenchContext } from '../bench.context';
import { newCpuMeter } from '../bench.context';
import type { FanoutSample } from '../fanout/ws-clients';
import { sleep } from '../infra/http-json';
import { ManagedProcess } from '../infra/managed-process';

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
  closed: number;
  closeReasons: string[];
}

interface Reply {
  type: string;
}

/**
 * Fan-out of the Binance-compatible streams: the market trades `fanoutRate` over the tracked symbols, and for each
 * count in `fanoutClients` that many WebSocket clients (their own process) each follow `<symbol>@aggTrade` of
 * `fanoutSymbolsPerClient` symbols on `/stream` for `fanoutSeconds`. The service's CPU with the clients is compared
 * with a window at the same rate without any, so the difference is what the fan-out costs (the trade feed's publish
 * included: without a listener the publisher skips it).
 */
export async function runFanout(context: BenchContext): Promise<FanoutResult[]> {
  const { config, emulator, service, symbols } = context;
  const { process: clientsProcess } = await ManagedProcess.start({
    name: 'stream clients',
    script: join(config.rootDir, 'dist/bench/src/fanout/ws-clients.js'),
    args: [service.client.baseUrl.replace(/^http/, 'ws')],
    cwd: config.rootDir,
    env: { PATH: process.env['PATH'] },
    readyPattern: /^\{"event":"ready"\}$/,
    ipc: true,
  });
  const ask = <T extends Reply>(message: object, answer: string) => clientsProcess.request<T>(message, answer, 120_000);
  const measureCores = async () => {
    const cpu = newCpuMeter(context, { peer: clientsProcess.pid }).start();
    await sleep(config.fanoutSeconds * 1000);
    const used = cpu.read();
    return { service: used.service / used.wallSeconds, clients: used.peer / used.wallSeconds };
  };
  try {
    await emulator.client.setRates(symbols, config.fanoutRate / symbols.length);
    await sleep(config.warmupSeconds * 1000);
    const without = await measureCores();
    const results: FanoutResult[] = [];
    for (const count of config.fanoutClients) {
      const follow = Array.from({ length: count }, (_, client) =>
        Array.from({ length: config.fanoutSymbolsPerClient }, (_, k) => symbols[(client * config.fanoutSymbolsPerClient + k) % symbols.length]),
      );
      const opened = await ask<Reply & { connected: number; refused: number }>({ type: 'open', follow }, 'opened');
      await sleep(config.warmupSeconds * 1000);
      await ask<FanoutSample>({ type: 'sample' }, 'sample');
      const withClients = await measureCores();
      const sample = await ask<FanoutSample>({ type: 'sample' }, 'sample');
      await ask({ type: 'close' }, 'closed');
      const eventsPerSecond = sample.events / sample.seconds;
      results.push({
        offeredPerSecond: config.fanoutRate,
        clients: count,
        symbolsPerClient: config.fanoutSymbolsPerClient,
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
        closed: sample.closed,
        closeReasons: sample.closeReasons,
      });
      await sleep(1000);
    }
    return results;
  } finally {
    await emulator.client.setRate('*', 0);
    await clientsProcess.stop(5_000);
  }
}
