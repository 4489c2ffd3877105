import { Client } from 'pg';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { TcpProxy, TestDatabase, cleanupRedisPrefix, createTestDatabase, sleep, testRedisPrefix, testRedisUrl, waitFor, STORED_TRADE_IDS } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';


const TRADES_PER_SECOND = 5;
const SHUTDOWN_TIMEOUT_MS = 4_000;

/**
 * Several real service processes share one PostgreSQL, one Redis and the emulator. PostgreSQL and Redis are
 * reached through loopback proxies so that the test can take either away without touching the shared servers.
 */
describe('a cluster of instances (separate processes, shared PostgreSQL and Redis)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  const prefix = testRedisPrefix();
  const instances: ServiceProcess[] = [];
  let symbols: string[] = [];
  const lastIdAtAdd = new Map<string, number>();

  function env(name: string): Record<string, string> {
    const dbUrl = new URL(database.url);
    dbUrl.host = `127.0.0.1:${pgProxy.port}`;
    const redisUrl = new URL(testRedisUrl());
    redisUrl.host = `127.0.0.1:${redisProxy.port}`;
    return {
      INSTANCE_ID: name,
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: redisUrl.toString(),
      REDIS_KEY_PREFIX: prefix,
      BINANCE_WS_URL: emulator.wsBaseUrl,
      BINANCE_REST_URL: emulator.restBaseUrl,
      LEASE_TTL_MS: '4000',
      LEASE_RENEW_MS: '1000',
      HANDOVER_GRACE_MS: '2000',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      LOG_LEVEL: 'warn',
    };
  }

  async function post(instance: ServiceProcess, symbol: string): Promise<number> {
    const response = await fetch(`${instance.baseUrl}/api/currency`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol }),
    });
    return response.status;
  }

  /** stream name → how many emulator connections carry it. */
  function subscriptionCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const connection of emulator.subscriptions()) {
      for (const stream of connection.streams) counts.set(stream, (counts.get(stream) ?? 0) + 1);
    }
    return counts;
  }

  function everySymbolOnExactlyOneConnection(): boolean {
    const counts = subscriptionCounts();
    return symbols.every((symbol) => counts.get(`${symbol.toLowerCase()}@aggTrade`) === 1);
  }

  function everySymbolOnAtLeastOneConnection(): boolean {
    const counts = subscriptionCounts();
    return symbols.every((symbol) => (counts.get(`${symbol.toLowerCase()}@aggTrade`) ?? 0) >= 1);
  }

  /** Waits until every symbol's history reaches the emulator's current id, then checks it is gap- and duplicate-free. */
  async function expectCompleteHistory(timeoutMs = 30_000): Promise<void> {
    const targets = new Map(symbols.map((symbol) => [symbol, emulator.lastTradeId(symbol) as number]));
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      let rows: Array<{ symbol: string; count: string; min: string; max: string }> = [];
      await waitFor(
        async () => {
          rows = (
            await client.query(
              `SELECT symbol, count(*) AS count, min(trade_id) AS min, max(trade_id) AS max FROM ${STORED_TRADE_IDS} AS stored GROUP BY symbol`,
            )
          ).rows;
          return symbols.every((symbol) => {
            const row = rows.find((candidate) => candidate.symbol === symbol);
            return row && Number(row.max) >= (targets.get(symbol) as number) && Number(row.count) === Number(row.max) - Number(row.min) + 1;
          });
        },
        { timeoutMs, intervalMs: 250, what: 'complete, contiguous history for every symbol' },
      ).catch((error: Error) => {
        const broken = symbols
          .map((symbol) => ({ symbol, row: rows.find((candidate) => candidate.symbol === symbol), target: targets.get(symbol) }))
          .filter(({ row, target }) => !row || Number(row.max) < (target as number) || Number(row.count) !== Number(row.max) - Number(row.min) + 1);
        throw new Error(`${error.message}\n${JSON.stringify(broken.slice(0, 5))}`);
      });
      for (const symbol of symbols) {
        const row = rows.find((candidate) => candidate.symbol === symbol);
        expect(Number(row?.min)).toBeLessThanOrEqual((lastIdAtAdd.get(symbol) as number) + 1);
      }
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: TRADES_PER_SECOND, seed: 11 });
    database = await createTestDatabase();
    const dbUrl = new URL(database.url);
    pgProxy = new TcpProxy(dbUrl.hostname, Number(dbUrl.port || 5432));
    await pgProxy.start();
    const redisUrl = new URL(testRedisUrl());
    redisProxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    await redisProxy.start();
    instances.push(...(await Promise.all(['node-a', 'node-b', 'node-c'].map((name) => startService(env(name))))));
    symbols = Array.from({ length: 30 }, (_, index) => `C${String(index + 1).padStart(3, '0')}USDT`);
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    await emulator?.close();
    await pgProxy?.stop();
    await redisProxy?.stop();
    await database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  it('adds 30 symbols through different instances; every change is visible everywhere within 1 s', async () => {
    for (const [index, symbol] of symbols.entries()) {
      lastIdAtAdd.set(symbol, emulator.lastTradeId(symbol) ?? 0);
      expect(await post(instances[index % 3], symbol)).toBe(201);
    }
    const start = Date.now();
    await waitFor(
      async () => {
        const lists = await Promise.all(
          instances.map(async (instance) => ((await (await fetch(`${instance.baseUrl}/api/currencies`)).json()) as Array<{ symbol: string }>).length),
        );
        return lists.every((length) => length === 30);
      },
      { timeoutMs: 1_000, intervalMs: 50, what: 'every instance to list 30 symbols' },
    );
    expect(Date.now() - start).toBeLessThanOrEqual(1_000);
  });

  it('streams each symbol on exactly one connection across the cluster, spread over all instances', async () => {
    await waitFor(everySymbolOnExactlyOneConnection, { timeoutMs: 20_000, intervalMs: 100, what: 'one subscription per symbol' });
    expect(emulator.connections().length).toBeGreaterThanOrEqual(3);
    await waitFor(
      async () => {
        const views = await Promise.all(
          instances.map(async (instance) => (await (await fetch(`${instance.baseUrl}/api/currencies`)).json()) as Array<{ streamLive: boolean | null }>),
        );
        return views.every((currencies) => currencies.length === 30 && currencies.every((currency) => currency.streamLive === true));
      },
      { timeoutMs: 5_000, intervalMs: 100, what: 'every instance to report every symbol live, wherever it is streamed' },
    );
    await expectCompleteHistory();
  });

  it('takes over the symbols of a killed instance within 10 s and backfills the gap', async () => {
    const victim = instances.splice(1, 1)[0];
    const carrying = new Set(emulator.subscriptions().filter((connection) => connection.streams.length > 0).map((connection) => connection.connectionId));
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    // Until the emulator has seen the killed instance's sockets close, its symbols still look streamed.
    await waitFor(() => emulator.subscriptions().filter((connection) => carrying.has(connection.connectionId)).length < carrying.size, {
      timeoutMs: 5_000,
      intervalMs: 10,
      what: "the killed instance's connections to close",
    });
    await waitFor(everySymbolOnExactlyOneConnection, { timeoutMs: 10_000, intervalMs: 50, what: 'every symbol streamed again' });
    const failoverMs = Date.now() - killedAt;
    process.stdout.write(`failover after kill -9: ${failoverMs} ms\n`);
    expect(failoverMs).toBeLessThanOrEqual(10_000);
    await expectCompleteHistory();
  });

  it('gives a joining instance its share within 20 s, handing symbols over without losing trades', async () => {
    const joinedAt = Date.now();
    const joiner = await startService(env('node-d'));
    instances.push(joiner);
    await waitFor(
      () => {
        const counts = subscriptionCounts();
        return everySymbolOnExactlyOneConnection() && emulator.connections().length >= 3 && counts.size >= 30;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'rebalanced subscriptions' },
    );
    const health = (await (await fetch(`${joiner.baseUrl}/health`)).json()) as { stream: { symbols: number } };
    await waitFor(
      async () => ((await (await fetch(`${joiner.baseUrl}/health`)).json()) as { stream: { symbols: number } }).stream.symbols >= 8,
      { timeoutMs: 20_000, intervalMs: 100, what: 'the joiner to stream its share' },
    );
    process.stdout.write(`rebalance to a joining instance: ${Date.now() - joinedAt} ms (first health ${JSON.stringify(health.stream)})\n`);
    await waitFor(everySymbolOnExactlyOneConnection, { timeoutMs: 10_000, intervalMs: 100, what: 'one subscription per symbol after handover' });
    await expectCompleteHistory();
  });

  it('hands a stopping instance\'s symbols over within 2 s of SIGTERM, after it stored what it held', async () => {
    const leaving = instances.pop() as ServiceProcess;
    const stoppedAt = Date.now();
    const exit = leaving.stop('SIGTERM');
    await waitFor(
      () => emulator.subscriptions().length > 0 && everySymbolOnAtLeastOneConnection() && (leaving.child.exitCode !== null || leaving.child.signalCode !== null),
      { timeoutMs: 5_000, intervalMs: 20, what: 'every symbol streamed by the others' },
    );
    const handoverMs = Date.now() - stoppedAt;
    process.stdout.write(`handover after SIGTERM: ${handoverMs} ms\n`);
    expect(await exit).toBe(0);
    expect(handoverMs).toBeLessThanOrEqual(2_000);
    await expectCompleteHistory();
  });

  it('stays exactly-once with prices that never go back when a paused instance wakes up still believing it owns symbols', async () => {
    const [sleeper, watcher] = instances;
    const seen = new Map<string, number>();
    const regressions: string[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const currencies = (await (await fetch(`${watcher.baseUrl}/api/currencies`)).json()) as Array<{ symbol: string; tradeId: number | null }>;
        for (const { symbol, tradeId } of currencies) {
          if (tradeId === null) continue;
          const previous = seen.get(symbol) ?? 0;
          if (tradeId < previous) regressions.push(`${symbol}: ${previous} -> ${tradeId}`);
          seen.set(symbol, Math.max(previous, tradeId));
        }
        await sleep(25);
      }
    })();
    // Frozen past its lease TTL: the others take its symbols while it still believes it owns them.
    sleeper.child.kill('SIGSTOP');
    await sleep(7_000);
    sleeper.child.kill('SIGCONT');
    await sleep(4_000);
    watching = false;
    await watch;
    expect(regressions).toEqual([]);
    expect(seen.size).toBe(30);
    // Proof that the overlap happened: on waking, the sleeper found its leases taken by the others.
    expect(sleeper.output()).toContain('leases lost to another instance');
    await waitFor(everySymbolOnExactlyOneConnection, { timeoutMs: 20_000, intervalMs: 100, what: 'one owner per symbol after the overlap' });
    await expectCompleteHistory();
  });

  it('survives Redis being unreachable for 10 s without losing or duplicating a trade', async () => {
    await redisProxy.cut();
    await sleep(10_000);
    expect(everySymbolOnAtLeastOneConnection()).toBe(true);
    const health = await fetch(`${instances[0].baseUrl}/health`);
    expect(health.status).toBe(503);
    await redisProxy.restore();
    await waitFor(everySymbolOnExactlyOneConnection, { timeoutMs: 20_000, intervalMs: 100, what: 'convergence after Redis returned' });
    await expectCompleteHistory();
  });

  it('survives PostgreSQL being unreachable for 10 s: prices keep flowing, history is held and stored afterwards', async () => {
    await pgProxy.cut();
    const symbol = symbols[0];
    const before = (await (await fetch(`${instances[0].baseUrl}/api/currency/${symbol}`)).json()) as { tradeId: number };
    await sleep(10_000);
    const during = await fetch(`${instances[0].baseUrl}/api/currency/${symbol}`);
    expect(during.status).toBe(200);
    expect(((await during.json()) as { tradeId: number }).tradeId).toBeGreaterThan(before.tradeId);
    const health = await fetch(`${instances[0].baseUrl}/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { postgres: { up: boolean } }).postgres.up).toBe(false);
    await pgProxy.restore();
    await expectCompleteHistory(40_000);
    await waitFor(async () => (await fetch(`${instances[0].baseUrl}/health`)).status === 200, { timeoutMs: 15_000, intervalMs: 50, what: 'healthy again' });
  });

  it('ends a SIGTERM within SHUTDOWN_TIMEOUT_MS even while PostgreSQL hangs, and loses nothing', async () => {
    const leaving = instances.pop() as ServiceProcess;
    // A partition, not a refusal: queries and the pool's goodbye wait for answers that do not come.
    pgProxy.freeze();
    try {
      await sleep(500);
      const exited = new Promise<number | null>((resolve) => leaving.child.once('close', resolve));
      const stoppedAt = Date.now();
      leaving.child.kill('SIGTERM');
      const code = await exited;
      const stopMs = Date.now() - stoppedAt;
      process.stdout.write(`SIGTERM with PostgreSQL hanging: exited ${code} after ${stopMs} ms\n`);
      expect(stopMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 1_500);
      expect(code).toBe(1);
      expect(leaving.output()).toContain('exiting now');
    } finally {
      pgProxy.thaw();
    }
    await waitFor(everySymbolOnExactlyOneConnection, { timeoutMs: 20_000, intervalMs: 100, what: 'the leaving instance\'s symbols taken over' });
    await expectCompleteHistory(40_000);
  });
});
