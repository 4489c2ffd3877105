import autocannon from 'autocannon';
import { join } from 'node:path';
import type { BenchContext } from '../bench.context';
import { ManagedProcess } from '../infra/managed-process';

export interface ReadRun {
  url: string;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  non2xx: number;
}

export interface ReadsResult {
  connections: number;
  seconds: number;
  helloWorld: ReadRun;
  service: ReadRun;
  /** service / hello-world requests per second. */
  ratio: number;
}

/**
 * autocannon with the same settings against a bare Fastify hello-world (its own process) and against
 * GET /api/currency/{symbol} of the service, one after the other, each after a short warm-up. The market is stopped
 * while this runs, so both servers have the machine to themselves.
 */
export async function runReads(context: BenchContext, symbol: string): Promise<ReadsResult> {
  const { config } = context;
  const { process: hello, match } = await ManagedProcess.start({
    name: 'hello-world',
    script: join(config.rootDir, 'dist/bench/src/reads/hello-world.server.js'),
    cwd: config.rootDir,
    env: { PATH: process.env['PATH'] },
    readyPattern: /^\{"event":"listening".*\}$/,
  });
  let helloWorld: ReadRun;
  try {
    const { address } = JSON.parse(match[0]) as { address: string };
    helloWorld = await load(`${address}/`, config.readsConnections, config.readsSeconds);
  } finally {
    await hello.stop();
  }
  const service = await load(`${context.service.client.baseUrl}/api/currency/${symbol}`, config.readsConnections, config.readsSeconds);
  return {
    connections: config.readsConnections,
    seconds: config.readsSeconds,
    helloWorld,
    service,
    ratio: service.requestsPerSecond / helloWorld.requestsPerSecond,
  };
}

async function load(url: string, connections: number, seconds: number): Promise<ReadRun> {
  await autocannon({ url, connections, duration: 1 });
  const result = await autocannon({ url, connections, duration: seconds });
  return {
    url,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
