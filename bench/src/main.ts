import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { cleanupRedisPrefix } from '@binance-rates/testing';
import { BenchConfig, loadBenchConfig } from './bench.config';
import type { BenchContext } from './bench.context';
import { BenchDatabase } from './clients/bench-database';
import { lastIds } from './clients/emulator.client';
import { RedisProbe } from './clients/redis-probe';
import { EmulatorHandle, ServiceHandle, startEmulator, startService } from './harness';
import { mapBounded, sleep, waitFor } from './infra/http-json';
import { ManagedProcess } from './infra/managed-process';
import { listProcesses } from './infra/proc-stats';
import { waitDrained } from './phases/drain';
import { runHistory } from './phases/history.phase';
import { runImport } from './phases/import.phase';
import { runIngestStep } from './phases/ingest.phase';
import { runPeer } from './phases/peer.phase';
import { runPush } from './phases/push.phase';
import { runFanout } from './phases/fanout.phase';
import { runReads } from './phases/reads.phase';
import { runScale } from './phases/scale.phase';
import { formatProfileSummary, ProfileSummary, summarizeProfile } from './profile/profile-summary';
import { BenchResults, formatTable, resultRows } from './report/results-table';

const startedAt = Date.now();

function log(message: string): void {
  const elapsed = ((Date.now() - startedAt) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${elapsed}s] ${message}\n`);
}

/** The emulator's generated symbols are C001USDT… (zero-padded to at least 3 digits, more for larger markets). */
function generatedSymbols(count: number, total: number): string[] {
  const width = Math.max(3, String(total).length);
  return Array.from({ length: count }, (_, i) => `C${String(i + 1).padStart(width, '0')}USDT`);
}

function findRedisPid(redisUrl: string): number {
  const port = new URL(redisUrl).port || '6379';
  const candidates = listProcesses(/redis-server/);
  const match = candidates.find((info) => info.command.includes(`:${port}`)) ?? candidates[0];
  if (!match) {
    throw new Error('no redis-server process found on this machine: Redis CPU cannot be measured');
  }
  return match.pid;
}

function gitRevision(rootDir: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: rootDir, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps', 'libs'], { cwd: rootDir, encoding: 'utf8' }).trim();
    return dirty ? `${head}+uncommitted` : head;
  } catch {
    return 'unknown';
  }
}

/** Tracks what the run created outside its own processes, so it can be removed even after a failure. */
class RunResources {
  readonly databases: BenchDatabase[] = [];
  readonly redisPrefixes: string[] = [];

  constructor(private readonly redisUrl: string) {}

  async release(redis: RedisProbe): Promise<void> {
    await ManagedProcess.stopAll();
    for (const database of this.databases) {
      await database.drop().catch((error: Error) => log(`could not drop database ${database.name}: ${error.message}`));
    }
    for (const prefix of this.redisPrefixes) {
      await cleanupRedisPrefix(this.redisUrl, prefix).catch((error: Error) => log(`could not delete Redis keys ${prefix}*: ${error.message}`));
    }
    await redis.close();
  }
}

/** Starts a service on a fresh database, adds `symbols` with the market stopped and waits until all are live. */
async function startTrackingService(
  config: BenchConfig,
  resources: RunResources,
  base: { emulator: EmulatorHandle; redis: RedisProbe; redisPid: number; ourDatabases: Set<string> },
  { label, symbols, addSymbols }: { label: string; symbols: string[]; addSymbols: boolean },
  notes: string[],
): Promise<BenchContext> {
  const database = new BenchDatabase(config.postgresUrl, `rates_bench_${config.runId}_${label}`);
  resources.databases.push(database);
  base.ourDatabases.add(database.name);
  const redisPrefix = `bench:${config.runId}:${label}:`;
  resources.redisPrefixes.push(redisPrefix);
  const service: ServiceHandle = await startService(config, { label, emulator: base.emulator, database, redisPrefix });
  log(`service ${label} pid ${service.process.pid} at ${service.client.baseUrl}, database ${database.name}`);
  const context: BenchContext = { config, ...base, service, symbols };
  if (addSymbols) {
    const addStart = Date.now();
    let retried = 0;
    await mapBounded(symbols, 16, async (symbol) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await service.client.addCurrency(symbol);
        } catch (error) {
          if (attempt >= 3) throw error;
          retried += 1;
        }
      }
    });
    if (retried > 0) {
      notes.push(`service ${label}: ${retried} POST /api/currency failed and were retried; service log tail:\n${service.process.output()}`);
    }
    await waitFor(async () => (await service.client.health()).stream.liveSymbols >= symbols.length, 60_000, `${symbols.length} symbols live`);
    // Every symbol trades a little so each has a last id, a stored history and a latest price before measuring.
    await base.emulator.client.setRates(symbols, 5);
    await sleep(1500);
    await base.emulator.client.setRate('*', 0);
    const ids = lastIds(await base.emulator.client.stats(), symbols);
    if ((await waitDrained(context, ids, 30_000)) === null) {
      throw new Error('the service did not catch up with the warm-up trades within 30 s');
    }
    log(`service ${label}: ${symbols.length} symbols added and live in ${((Date.now() - addStart) / 1000).toFixed(1)} s, warmed up`);
  }
  return context;
}

function summarizeServiceProfile(service: ServiceHandle): ProfileSummary | null {
  return service.profileFile && existsSync(service.profileFile) ? summarizeProfile(service.profileFile) : null;
}

async function run(config: BenchConfig, resources: RunResources, results: BenchResults, redis: RedisProbe): Promise<ProfileSummary | null> {
  const { phases } = config;
  const symbolsNeeded = Math.max(config.symbols - 2, phases.has('scale') ? config.scaleSymbols : 0);
  const emulator = await startEmulator(config, symbolsNeeded);
  log(`emulator pid ${emulator.process.pid} at ${emulator.restBaseUrl} (${symbolsNeeded} generated symbols)`);
  const base = { emulator, redis, redisPid: findRedisPid(config.redisUrl), ourDatabases: new Set<string>() };
  const symbols = ['BTCUSDT', 'ETHUSDT', ...generatedSymbols(config.symbols - 2, symbolsNeeded)];
  let profile: ProfileSummary | null = null;

  if (phases.has('ingest') || phases.has('freshness') || phases.has('reads') || phases.has('push') || phases.has('fanout')) {
    const context = await startTrackingService(config, resources, base, { label: 'a', symbols, addSymbols: true }, results.notes);
    const steps = phases.has('ingest') ? config.rates : phases.has('freshness') ? config.freshnessRates : [];
    for (const rate of steps) {
      const withFreshness = phases.has('freshness') && config.freshnessRates.includes(rate);
      log(`ingest ${rate}/s over ${symbols.length} symbols for ${config.ingestSeconds} s${withFreshness ? `, then freshness for ${config.freshnessSeconds} s` : ''}`);
      const { ingest, freshness } = await runIngestStep(context, rate, withFreshness);
      results.ingest.push(ingest);
      log(
        `  generated ${ingest.generatedPerSecond.toFixed(0)}/s, persisted ${ingest.persistedPerSecond.toFixed(0)}/s, lost ${ingest.lost}, ` +
          `backlog hw ${ingest.backlogHighWater}, CPU-s/M service ${ingest.cpuPerMillion.service.toFixed(2)} stores ${ingest.cpuPerMillion.stores.toFixed(2)}`,
      );
      if (freshness) {
        results.freshness.push({ ...freshness, offeredPerSecond: rate });
        log(`  freshness p50 ${freshness.p50Ms.toFixed(1)} ms, p99 ${freshness.p99Ms.toFixed(1)} ms over ${freshness.trades} trades`);
      }
    }
    if (phases.has('reads')) {
      log(`reads: autocannon ${config.readsConnections} connections, ${config.readsSeconds} s each, ${config.readsRounds} alternating rounds`);
      results.reads = await runReads(context, 'BTCUSDT');
      log(`  hello-world ${results.reads.helloWorld.requestsPerSecond.toFixed(0)} req/s, service ${results.reads.service.requestsPerSecond.toFixed(0)} req/s`);
    }
    if (phases.has('push')) {
      log(`push: ${config.pushClients.join(', ')} live-push clients × ${config.pushSymbolsPerClient} symbols at ${config.pushRate}/s, ${config.pushSeconds} s each`);
      results.push = await runPush(context);
      for (const push of results.push) {
        log(`  ${push.connected} clients: ${push.priceEventsPerSecond.toFixed(0)} events/s, service ${push.serviceCoresWithout.toFixed(2)} → ${push.serviceCoresWith.toFixed(2)} cores, lag p99 ${push.lagP99Ms.toFixed(0)} ms`);
      }
    }
    if (phases.has('fanout')) {
      log(`fanout: ${config.fanoutClients.join(', ')} stream clients × ${config.fanoutSymbolsPerClient} @aggTrade streams at ${config.fanoutRate}/s, ${config.fanoutSeconds} s each`);
      results.fanout = await runFanout(context);
      for (const fanout of results.fanout) {
        log(
          `  ${fanout.connected} clients: ${fanout.eventsPerSecond.toFixed(0)} events/s, service ${fanout.serviceCoresWithout.toFixed(2)} → ` +
            `${fanout.serviceCoresWith.toFixed(2)} cores (${fanout.serviceMicrosPerEvent.toFixed(2)} µs/event), delay p50 ${fanout.delayP50Ms.toFixed(0)} ms p99 ${fanout.delayP99Ms.toFixed(0)} ms, closed ${fanout.closed}`,
        );
      }
    }
    const code = await context.service.process.stop(30_000);
    log(`service a stopped (exit ${code})`);
    profile = summarizeServiceProfile(context.service);
  }

  if (phases.has('peer')) {
    const rates = config.rates;
    log(`peer: ccxt watchTradesForSymbols on ${symbols.length} symbols at ${rates.join(', ')}/s, ${config.peerSeconds} s each`);
    results.peer = await runPeer({ config, ...base, symbols }, rates);
    for (const peer of results.peer) {
      log(`  ${peer.offeredPerSecond}/s: ccxt received ${peer.receivedPerSecond.toFixed(0)}/s, ${peer.cpuSecondsPerMillion.toFixed(2)} CPU-s/M`);
    }
  }

  if (phases.has('import')) {
    const context = await startTrackingService(config, resources, base, { label: 'c', symbols, addSymbols: true }, results.notes);
    log(
      `import: ${config.importSymbol} ${config.importFrom}..${config.importTo} at ${config.importTradesPerDay} trades/day` +
        `${config.importWarm ? ', files generated first' : ', files generated as asked'}, live ${config.importLiveRate}/s over ${symbols.length} symbols`,
    );
    results.import = await runImport(context);
    const imported = results.import;
    log(
      `  ${imported.tradesStored} trades in ${imported.seconds.toFixed(1)} s: ${imported.tradesPerSecond.toFixed(0)}/s; freshness p99 idle ` +
        `${imported.freshnessIdle.p99Ms.toFixed(1)} ms, during ${imported.freshnessDuring.p99Ms.toFixed(1)} ms; shed ${imported.shedDuring}, live lost ${imported.liveLost}`,
    );
    await context.service.process.stop(30_000);
    profile ??= summarizeServiceProfile(context.service);
  }

  if (phases.has('scale')) {
    const scaleSymbols = generatedSymbols(config.scaleSymbols, symbolsNeeded);
    const context = await startTrackingService(config, resources, base, { label: 'b', symbols: scaleSymbols, addSymbols: false }, results.notes);
    log(`scale: adding ${scaleSymbols.length} symbols at ${config.scaleRatePerSymbol}/s each`);
    results.scale = await runScale(context, config.drainTimeoutSeconds * 2000);
    log(`  all live after ${results.scale.subscribedSeconds} s, RSS ${results.scale.rssPeakMb.toFixed(0)} MB`);
    await context.service.process.stop(30_000);
    profile ??= summarizeServiceProfile(context.service);
  }
  if (phases.has('history')) {
    log(`history: a realistic day of 6 symbols, then ${config.historyDays} days of BTCUSDT at ${config.historyTradesPerDay} trades a day`);
    results.history = await runHistory(config, log, (database) => resources.databases.push(database));
  }
  return profile;
}

async function main(): Promise<void> {
  const config = loadBenchConfig();
  mkdirSync(config.resultsDir, { recursive: true });
  const results: BenchResults = {
    startedAt: new Date(startedAt).toISOString(),
    durationSeconds: 0,
    settings: {
      quick: config.quick,
      symbols: config.symbols,
      rates: config.rates,
      freshnessRates: config.freshnessRates,
      ingestSeconds: config.ingestSeconds,
      freshnessSeconds: config.freshnessSeconds,
      readsSeconds: config.readsSeconds,
      readsRounds: config.readsRounds,
      pushRate: config.pushRate,
      pushClients: config.pushClients,
      pushSymbolsPerClient: config.pushSymbolsPerClient,
      pushSeconds: config.pushSeconds,
      fanoutRate: config.fanoutRate,
      fanoutClients: config.fanoutClients,
      fanoutSymbolsPerClient: config.fanoutSymbolsPerClient,
      fanoutSeconds: config.fanoutSeconds,
      peerSeconds: config.peerSeconds,
      scaleSymbols: config.scaleSymbols,
      scaleRatePerSymbol: config.scaleRatePerSymbol,
      import: { symbol: config.importSymbol, from: config.importFrom, to: config.importTo, tradesPerDay: config.importTradesPerDay, liveRate: config.importLiveRate, warm: config.importWarm },
      phases: [...config.phases],
      profile: config.profile,
      serviceEnv: config.serviceEnv,
      revision: gitRevision(config.rootDir),
      node: process.version,
      cpus: cpus().length,
    },
    ingest: [],
    freshness: [],
    reads: null,
    push: [],
    fanout: [],
    peer: [],
    scale: null,
    history: null,
    import: null,
    notes: [],
  };
  const resources = new RunResources(config.redisUrl);
  const redis = new RedisProbe(config.redisUrl);
  let failed = false;
  let profile: ProfileSummary | null = null;
  process.on('exit', () => ManagedProcess.killAllNow());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void resources.release(redis).finally(() => process.exit(130));
    });
  }
  try {
    await redis.connect();
    profile = await run(config, resources, results, redis);
  } catch (error) {
    failed = true;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    results.notes.push(`FAILED: ${message}`);
    log(`FAILED: ${message}`);
  } finally {
    await resources.release(redis);
  }
  results.durationSeconds = (Date.now() - startedAt) / 1000;
  const busy = results.ingest.map((step) => step.cpu.other + step.cpu.foreignPostgres);
  if (busy.some((seconds, index) => seconds > 0.1 * results.ingest[index].cpu.wallSeconds)) {
    results.notes.push('other processes used more than 10% of one core during an ingest window: CPU figures may be disturbed');
  }
  const output = { ...results, profile };
  writeFileSync(join(config.resultsDir, 'latest.json'), `${JSON.stringify(output, null, 2)}\n`);
  process.stdout.write(`\n${formatTable(resultRows(results))}\n`);
  for (const note of results.notes) {
    process.stdout.write(`note: ${note}\n`);
  }
  if (profile) {
    process.stdout.write(`\n${formatProfileSummary(profile)}\n`);
  }
  process.stdout.write(`\n${results.settings['revision']}, ${results.durationSeconds.toFixed(0)} s; results in ${join(config.resultsDir, 'latest.json')}\n`);
  process.exitCode = failed ? 1 : 0;
}

void main();
