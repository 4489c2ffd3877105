import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchContext } from '../bench.context';
import { ManagedProcess } from '../infra/managed-process';
import { readMachineBusySeconds, readProcessCpu, waitForQuietMachine } from '../infra/proc-stats';

const execFileAsync = promisify(execFile);

export interface ReadRun {
  url: string;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  non2xx: number;
  /** How long the run waited for the machine to settle first, and how busy it still was (cores). */
  settleSeconds: number;
  busyCoresBefore: number;
  /** CPU the server process spent per answered request, and busy cores of the whole machine during the run. */
  serverCpuMicrosPerRequest: number;
  machineBusyCores: number;
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
 * while this runs and each run first waits for the machine to go quiet (PostgreSQL vacuums the rows just ingested
 * for a while), so both servers have the machine to themselves.
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
    helloWorld = await load(`${address}/`, hello.pid, config.readsConnections, config.readsSeconds);
  } finally {
    await hello.stop();
  }
  const service = await load(
    `${context.service.client.baseUrl}/api/currency/${symbol}`,
    context.service.process.pid,
    config.readsConnections,
    config.readsSeconds,
  );
  return {
    connections: config.readsConnections,
    seconds: config.readsSeconds,
    helloWorld,
    service,
    ratio: service.requestsPerSecond / helloWorld.requestsPerSecond,
  };
}

/**
 * autocannon in a fresh process of its own: in the bench process it would share an event loop and a heap grown by
 * the earlier phases, and on 2 cores the client's speed is part of what is measured.
 */
async function load(url: string, serverPid: number, connections: number, seconds: number): Promise<ReadRun> {
  const settled = await waitForQuietMachine();
  await runAutocannon(url, connections, 1);
  const serverBefore = readProcessCpu(serverPid)?.selfSeconds ?? Number.NaN;
  const machineBefore = readMachineBusySeconds();
  const startedAt = performance.now();
  const result = await runAutocannon(url, connections, seconds);
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const serverSeconds = (readProcessCpu(serverPid)?.selfSeconds ?? Number.NaN) - serverBefore;
  return {
    url,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    settleSeconds: settled.waitedSeconds,
    busyCoresBefore: settled.busyCores,
    serverCpuMicrosPerRequest: (serverSeconds * 1e6) / result.requests.total,
    machineBusyCores: (readMachineBusySeconds() - machineBefore) / wallSeconds,
  };
}

interface AutocannonSummary {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}

async function runAutocannon(url: string, connections: number, seconds: number): Promise<AutocannonSummary> {
  const cli = require.resolve('autocannon/autocannon.js');
  const { stdout } = await execFileAsync(process.execPath, [cli, '--json', '-c', String(connections), '-d', String(seconds), url], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as AutocannonSummary;
}
