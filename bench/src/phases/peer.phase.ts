import { join } from 'node:path';
import type { BenchConfig } from '../bench.config';
import { MeteredContext, newCpuMeter } from '../bench.context';
import { generatedBetween } from '../clients/emulator.client';
import { nowMs, sleep, waitFor } from '../infra/http-json';
import { ManagedProcess } from '../infra/managed-process';

export interface PeerResult {
  offeredPerSecond: number;
  generatedPerSecond: number;
  /** Trade messages ccxt parsed per second. */
  receivedPerSecond: number;
  /** Trades ccxt's watch loop handed back per second (it may coalesce; parsed is the receive rate). */
  returnedPerSecond: number;
  cpuSecondsPerMillion: number;
  slowConsumerDisconnects: number;
  /** Errors ccxt's watch loop threw (a dropped connection, for instance) and the last one. */
  errors: number;
  lastError: string;
}

interface CountMessage {
  type: 'count';
  parsed: number;
  returned: number;
  errors: number;
  lastError: string;
}

/**
 * ccxt pro binance receiving the same symbols at the same offered loads, alone with the emulator (the service is
 * stopped first, so neither competes with the other for the two cores).
 */
export async function runPeer(
  context: MeteredContext & { config: BenchConfig; symbols: string[] },
  rates: readonly number[],
): Promise<PeerResult[]> {
  const { config, emulator, symbols } = context;
  const { process: peer } = await ManagedProcess.start({
    name: 'ccxt',
    script: join(config.rootDir, 'dist/bench/src/peer/ccxt-receiver.js'),
    args: [emulator.restBaseUrl, emulator.wsBaseUrl, symbols.join(',')],
    cwd: config.rootDir,
    env: { PATH: process.env['PATH'] },
    readyPattern: /^\{"event":"ready".*\}$/,
    ipc: true,
  });
  try {
    await waitFor(async () => (await emulator.client.subscribedCount(symbols)) === symbols.length, 30_000, 'ccxt subscribed');
    const count = () => peer.request<CountMessage>({ type: 'count' }, 'count', 10_000);
    const results: PeerResult[] = [];
    for (const rate of rates) {
      await emulator.client.setRates(symbols, rate / symbols.length);
      await sleep(config.warmupSeconds * 1000);
      const cpu = newCpuMeter(context, { peer: peer.pid }).start();
      const statsBefore = await emulator.client.stats();
      const countBefore = await count();
      const start = nowMs();
      await sleep(config.peerSeconds * 1000);
      const countAfter = await count();
      const seconds = (nowMs() - start) / 1000;
      const statsAfter = await emulator.client.stats();
      const report = cpu.read();
      await emulator.client.setRate('*', 0);
      const parsed = countAfter.parsed - countBefore.parsed;
      results.push({
        offeredPerSecond: rate,
        generatedPerSecond: generatedBetween(statsBefore, statsAfter, symbols) / ((statsAfter.uptimeMs - statsBefore.uptimeMs) / 1000),
        receivedPerSecond: parsed / seconds,
        returnedPerSecond: (countAfter.returned - countBefore.returned) / seconds,
        cpuSecondsPerMillion: parsed > 0 ? report.peer / (parsed / 1e6) : Number.NaN,
        slowConsumerDisconnects: statsAfter.slowConsumerDisconnects - statsBefore.slowConsumerDisconnects,
        errors: countAfter.errors - countBefore.errors,
        lastError: countAfter.lastError,
      });
      await sleep(1000);
    }
    return results;
  } finally {
    if (peer.child.connected) {
      peer.child.send({ type: 'stop' });
    }
    await peer.stop(5_000);
  }
}
