import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchContext } from '../bench.context';
import { ManagedProcess } from '../infra/managed-process';
import { CpuMeter } from '../infra/cpu-meter';
import { waitForQuietMachine } from '../infra/proc-stats';

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
  /** Means over the rounds (errors summed). */
  helloWorld: ReadRun;
  service: ReadRun;
  /** Mean service req/s / mean hello-world req/s. */
  ratio: number;
  /** The ratio of each round, hello-world then service. */
  roundRatios: number[];
}

/**
 * autocannon with the same settings against a bare Fastify hello-world (its own process) and against
 * GET /api/currency/{symbol} of the service, alternating for `readsRounds` rounds so a drift in the machine's speed
 * (2 shared cores) hits both alike, each run after a short warm-up. The market is stopped while this runs and each
 * run first waits for the machine to go quiet (PostgreSQL vacuums the rows just ingested for a while), so both
 * servers have the machine to themselves.
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
  const rounds: Array<{ hello: ReadRun; service: ReadRun }> = [];
  try {
    const { address } = JSON.parse(match[0]) as { address: string };
    for (let round = 0; round < config.readsRounds; round++) {
      const helloRun = await load(`${address}/`, hello.pid, config.readsConnections, config.readsSeconds);
      const serviceRun = await load(
        `${context.service.client.baseUrl}/api/currency/${symbol}`,
        context.service.process.pid,
        config.readsConnections,
        config.readsSeconds,
      );
      rounds.push({ hello: helloRun, service: serviceRun });
    }
  } finally {
    await hello.stop();
  }
  const helloWorld = mean(rounds.map((round) => round.hello));
  const service = mean(rounds.map((round) => round.service));
  return {
    connections: config.readsConnections,
    seconds: config.readsSeconds,
    helloWorld,
    service,
    ratio: service.requestsPerSecond / helloWorld.requestsPerSecond,
    roundRatios: rounds.map((round) => round.service.requestsPerSecond / round.hello.requestsPerSecond),
  };
}

function mean([first, ...rest]: readonly ReadRun[]): ReadRun {
  if (first === undefined) {
    throw new RangeError('no read runs to average');
  }
  const runs = [first, ...rest];
  const average = (pick: (run: ReadRun) => number) => runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  return {
    url: first.url,
    requestsPerSecond: average((run) => run.requestsPerSecond),
    latencyP50Ms: average((run) => run.latencyP50Ms),
    latencyP99Ms: average((run) => run.latencyP99Ms),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    settleSeconds: average((run) => run.settleSeconds),
    busyCoresBefore: average((run) => run.busyCoresBefore),
    serverCpuMicrosPerRequest: average((run) => run.serverCpuMicrosPerRequest),
    machineBusyCores: average((run) => run.machineBusyCores),
  };
}

/**
 * autocannon in a fresh process of its own: in the bench process it would share an event loop and a heap grown by
 * the earlier phases, and on 2 cores the client's speed is part of what is measured.
 */
async function load(url: string, serverPid: number, connections: number, seconds: number): Promise<ReadRun> {
  const settled = await waitForQuietMachine();
  await runAutocannon(url, connections, 1);
  // The server under load, hello-world or ours, is metered as the "service".
  const cpu = new CpuMeter(new Set(), { service: serverPid }).start();
  const result = await runAutocannon(url, connections, seconds);
  const used = cpu.read();
  return {
    url,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    settleSeconds: settled.waitedSeconds,
    busyCoresBefore: settled.busyCores,
    serverCpuMicrosPerRequest: (used.service * 1e6) / result.requests.total,
    machineBusyCores: used.machine / used.wallSeconds,
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
