import { Client } from 'pg';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { TcpProxy, TestDatabase, cleanupRedisPrefix, createTestDatabase, sleep, testRedisPrefix, testRedisUrl, waitFor, STORED_TRADE_IDS } from '@binance-rates/testing';
import { ServiceProcess, startService } from './support/service-process';

interface Currency {
  symbol: string;
  tradeId: number | null;
  streamLive: boolean | null;
}

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'C001USDT', 'C002USDT', 'C003USDT', 'C004USDT'];

/**
 * Fault injection against the built service: every symbol's stored ids must stay contiguous up to the emulator's
 * current id, and no connection may be closed for sending too many control messages. Figures go to stdout.
 */
class Scenario {
  emulator!: BinanceEmulator;
  database!: TestDatabase;
  service: ServiceProcess | undefined;
  sql!: Client;
  readonly prefix = testRedisPrefix();

  async start(emulatorOptions: Parameters<typeof startEmulator>[0]): Promise<void> {
    this.emulator = await startEmulator({ port: 0, ...emulatorOptions });
    this.database = await createTestDatabase();
    this.sql = new Client({ connectionString: this.database.url });
    await this.sql.connect();
    // Tracked as if added through another instance: POSTing each would spend exchangeInfo weight for nothing.
    await this.sql.query('INSERT INTO tracked_symbol (symbol) SELECT unnest($1::text[])', [SYMBOLS]);
  }

  async startService(env: Record<string, string> = {}): Promise<ServiceProcess> {
    this.service = await startService({
      DATABASE_URL: this.database.url,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: this.prefix,
      BINANCE_WS_URL: this.emulator.wsBaseUrl,
      BINANCE_REST_URL: this.emulator.restBaseUrl,
      STREAMS_PER_CONNECTION: '2',
      REST_WEIGHT_BUDGET_PER_MINUTE: '6000',
      ...env,
    });
    const service = this.service;
    service.child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && signal !== 'SIGTERM' && code !== 0) {
        process.stderr.write(`[resilience] service exited unexpectedly (${code ?? signal}):\n${service.output().slice(-6000)}\n`);
      }
    });
    return service;
  }

  async stop(): Promise<void> {
    await this.service?.stop('SIGKILL');
    await this.sql?.end();
    await this.emulator?.close();
    await this.database?.drop();
    await cleanupRedisPrefix(testRedisUrl(), this.prefix);
  }

  async currencies(): Promise<Currency[]> {
    const response = await fetch(`${this.service?.baseUrl}/api/currencies`);
    return (await response.json()) as Currency[];
  }

  /** Milliseconds until every symbol serves a price newer than the emulator's id at `since` from a live stream. */
  async pricesFlowAgain(idsAtFault: Map<string, number>, since: number, timeoutMs: number): Promise<number> {
    await waitFor(
      async () => {
        const list = await this.currencies();
        return (
          list.length === SYMBOLS.length &&
          list.every((tracked) => tracked.streamLive === true && (tracked.tradeId ?? 0) > (idsAtFault.get(tracked.symbol) as number))
        );
      },
      { timeoutMs, intervalMs: 20, what: 'prices to flow again' },
    );
    return Date.now() - since;
  }

  /** Restarts the service (SIGKILL) with its REST behind a proxy the test can freeze; returns once history is complete. */
  async restartBehindRestProxy(): Promise<TcpProxy> {
    const rest = new URL(this.emulator.restBaseUrl);
    const proxy = new TcpProxy(rest.hostname, Number(rest.port));
    await proxy.start();
    try {
      await this.service?.stop('SIGKILL');
      await this.startService({ BINANCE_REST_URL: `http://127.0.0.1:${proxy.port}` });
      expect(await this.expectCompleteHistory()).toBe(0);
      return proxy;
    } catch (error) {
      await proxy.stop();
      throw error;
    }
  }

  currentIds(): Map<string, number> {
    return new Map(SYMBOLS.map((symbol) => [symbol, this.emulator.lastTradeId(symbol) as number]));
  }

  /**
   * Waits until every symbol's history reaches the emulator's current id with count == max - min + 1 (the primary key
   * rules out duplicates), and returns how many ids are missing below that (0 when nothing was lost).
   */
  async expectCompleteHistory(timeoutMs = 15_000, gapsTimeoutMs = 5_000): Promise<number> {
    const targets = this.currentIds();
    let rows: Array<{ symbol: string; count: string; min: string; max: string }> = [];
    const complete = (row: (typeof rows)[number] | undefined, symbol: string): boolean =>
      !!row && Number(row.max) >= (targets.get(symbol) as number) && Number(row.count) === Number(row.max) - Number(row.min) + 1;
    await waitFor(
      async () => {
        rows = (await this.sql.query(`SELECT symbol, count(*) AS count, min(trade_id) AS min, max(trade_id) AS max FROM ${STORED_TRADE_IDS} AS stored GROUP BY symbol`)).rows;
        return SYMBOLS.every((symbol) => complete(rows.find((row) => row.symbol === symbol), symbol));
      },
      { timeoutMs, intervalMs: 100, what: 'complete, contiguous history for every symbol' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${JSON.stringify(rows.filter((row) => !complete(row, row.symbol)))}`);
    });
    expect(this.emulator.controlMessageViolations()).toBe(0);
    // Every range found missing is recorded as it is found and resolved once its trades are stored: none stays open.
    let openGaps: unknown[] = [];
    await waitFor(
      async () => {
        openGaps = (await this.sql.query('SELECT symbol, from_id, to_id, last_error FROM trade_gap WHERE resolved_at IS NULL')).rows;
        return openGaps.length === 0;
      },
      { timeoutMs: gapsTimeoutMs, intervalMs: 100, what: 'every recorded gap resolved' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}
${JSON.stringify(openGaps.slice(0, 5))}
${this.service?.output().slice(-4000) ?? ''}`);
    });
    return rows.reduce((missing, row) => missing + Number(row.max) - Number(row.min) + 1 - Number(row.count), 0);
  }
}

function report(line: string): void {
  process.stdout.write(`[resilience] ${line}\n`);
}

describe('self-healing stream, faults in sequence (built service + emulator + real PostgreSQL and Redis)', () => {
  const scenario = new Scenario();

  beforeAll(async () => {
    await scenario.start({ tradesPerSecondPerSymbol: 20, seed: 21 });
    await scenario.startService();
    await waitFor(async () => (await scenario.currencies()).every((tracked) => tracked.streamLive && tracked.tradeId !== null), {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'every symbol priced',
    });
  });

  afterAll(() => scenario.stop());

  it('(a) every connection dropped: prices flow again within 5 s and no trade is lost', async () => {
    const ids = scenario.currentIds();
    const droppedAt = Date.now();
    scenario.emulator.dropAllConnections();
    const recoveredMs = await scenario.pricesFlowAgain(ids, droppedAt, 5_000);
    const lost = await scenario.expectCompleteHistory();
    report(`drop: prices flow again after ${recoveredMs} ms; trades lost ${lost}`);
    expect(recoveredMs).toBeLessThanOrEqual(5_000);
    expect(lost).toBe(0);
  });

  it('(e) REST answers 429 with Retry-After during the backfill: it waits, then completes', async () => {
    await sleep(500);
    const logFrom = scenario.service?.output().length ?? 0;
    scenario.emulator.failRest(2, 429, 1);
    const ids = scenario.currentIds();
    const droppedAt = Date.now();
    scenario.emulator.dropAllConnections();
    await scenario.pricesFlowAgain(ids, droppedAt, 5_000);
    const lost = await scenario.expectCompleteHistory(15_000);
    const completeMs = Date.now() - droppedAt;
    const log = scenario.service?.output().slice(logFrom) ?? '';
    expect(log).toMatch(/rate limited by Binance on GET \/api\/v3\/aggTrades\?symbol=\w+.*pausing REST for 1000 ms/);
    report(`429 during backfill: history complete ${completeMs} ms after the drop; trades lost ${lost}`);
    expect(lost).toBe(0);
  });

  it('(d) serverShutdown: make-before-break renewal, the symbols never stop being live', async () => {
    const logFrom = scenario.service?.output().length ?? 0;
    scenario.emulator.sendServerShutdown(1_000);
    const until = Date.now() + 2_500;
    while (Date.now() < until) {
      const list = await scenario.currencies();
      expect(list.filter((tracked) => tracked.streamLive !== true)).toEqual([]);
      await sleep(25);
    }
    const log = scenario.service?.output().slice(logFrom) ?? '';
    expect(log.match(/renewing connection \S+ \(server shutdown announced\)/g)?.length).toBe(SYMBOLS.length / 2);
    expect(log).not.toMatch(/ lost: /);
    expect(await scenario.expectCompleteHistory()).toBe(0);
  });

  it('(b) half-open link (no data, pings or pongs): replaced within 15 s and no trade is lost', async () => {
    const ids = scenario.currentIds();
    const frozenAt = Date.now();
    scenario.emulator.freezeConnections();
    const replacedMs = await scenario.pricesFlowAgain(ids, frozenAt, 15_000);
    const lost = await scenario.expectCompleteHistory();
    report(`half-open link: replaced and prices flowing after ${replacedMs} ms (STREAM_DEAD_AFTER_IDLE_MS default 10000); trades lost ${lost}`);
    expect(replacedMs).toBeLessThanOrEqual(15_000);
    expect(lost).toBe(0);
  }, 30_000);

  it('(f) the service is killed (SIGKILL, nothing drained) while trades continue, and catches up after a restart', async () => {
    await scenario.service?.stop('SIGKILL');
    await sleep(1_000);
    const restartedAt = Date.now();
    await scenario.startService();
    const lost = await scenario.expectCompleteHistory();
    report(`SIGKILL + restart: history complete ${Date.now() - restartedAt} ms after the restart; trades lost ${lost}`);
    expect(lost).toBe(0);
  });

  it('(g) killed (SIGKILL) in the middle of a backfill: the next instance fills the ranges it had found', async () => {
    const restProxy = await scenario.restartBehindRestProxy();
    try {
      // REST hangs, so every backfill stays in the middle of its first page; the ranges found are recorded at once.
      restProxy.freeze();
      scenario.emulator.dropAllConnections();
      // Trades while no one is connected, for every symbol: its market trades in bursts and pauses, so without these a
      // symbol may miss nothing during a short outage and have no gap to find.
      SYMBOLS.forEach((symbol) => scenario.emulator.emitTrades(symbol, 3));
      await waitFor(
        async () =>
          Number((await scenario.sql.query('SELECT count(DISTINCT symbol) AS n FROM trade_gap WHERE resolved_at IS NULL')).rows[0].n) ===
          SYMBOLS.length,
        { timeoutMs: 10_000, intervalMs: 100, what: 'a recorded gap for every symbol' },
      );
      await scenario.service?.stop('SIGKILL');
      const restartedAt = Date.now();
      await scenario.startService();
      // The next instance resumes from the newest stored trade, above the holes; it finds them through trade_gap once
      // they come due (30 s after they were found) and its sweep (every 5 s) picks them up. If the kill came before
      // the killed instance stored its first trades after the drop, the newest stored trade lies below the holes and
      // the restart's own backfill fills them at once and resolves the rows inside what it stored; a row open at the
      // top ("up to whatever comes next") still waits until it comes due, is fetched again (idempotently) and resolved.
      const lost = await scenario.expectCompleteHistory(60_000, 50_000);
      report(`SIGKILL mid-backfill + restart: history complete ${Date.now() - restartedAt} ms after the restart; trades lost ${lost}`);
      expect(lost).toBe(0);
    } finally {
      await restProxy.stop();
    }
  }, 180_000);

  it("(h) killed (SIGKILL) after storing a new symbol's first live trades, before fetching its trades since it was added: the next instance fetches them", async () => {
    const symbol = 'C005USDT';
    const restProxy = await scenario.restartBehindRestProxy();
    try {
      // REST hangs, so the new symbol's fetch back to its addition never gets its first page.
      restProxy.freeze();
      // Added through another instance (a POST would need exchangeInfo over the frozen REST).
      const { rows } = await scenario.sql.query<{ added_at: Date }>('INSERT INTO tracked_symbol (symbol) VALUES ($1) RETURNING added_at', [symbol]);
      const addedAt = rows[0].added_at.getTime();
      const storedCount = async (): Promise<number> =>
        Number((await scenario.sql.query(`SELECT count(*) AS n FROM ${STORED_TRADE_IDS} AS stored WHERE symbol = $1`, [symbol])).rows[0].n);
      await waitFor(async () => (await storedCount()) >= 20, { timeoutMs: 10_000, intervalMs: 100, what: `live trades of ${symbol} stored` });
      await scenario.service?.stop('SIGKILL');
      const restartedAt = Date.now();
      await scenario.startService();
      const firstSinceAdded = scenario.emulator.tradesOf(symbol, { limit: 1_000_000 }).find((trade) => trade.tradeTime >= addedAt);
      let stored = { min: 0, max: 0, count: 0 };
      await waitFor(
        async () => {
          const row = (await scenario.sql.query(`SELECT min(trade_id) AS min, max(trade_id) AS max, count(*) AS count FROM ${STORED_TRADE_IDS} AS stored WHERE symbol = $1`, [symbol])).rows[0];
          stored = { min: Number(row.min), max: Number(row.max), count: Number(row.count) };
          return stored.min <= (firstSinceAdded?.aggTradeId ?? 0) && stored.count === stored.max - stored.min + 1;
        },
        { timeoutMs: 15_000, intervalMs: 100, what: `${symbol}'s trades since it was added stored, contiguous` },
      ).catch((error: Error) => {
        throw new Error(`${error.message}: first since added ${firstSinceAdded?.aggTradeId}, stored ${JSON.stringify(stored)}`);
      });
      report(`SIGKILL before a new symbol's first page + restart: its trades since it was added stored ${Date.now() - restartedAt} ms after the restart`);
      expect(await scenario.expectCompleteHistory()).toBe(0);
      const marked = await scenario.sql.query('SELECT 1 FROM tracked_symbol WHERE symbol = $1 AND since_added_filled_at IS NOT NULL', [symbol]);
      expect(marked.rowCount).toBe(1);
    } finally {
      await restProxy.stop();
    }
  }, 90_000);
});

describe('connection lifetime (built service + emulator + real PostgreSQL and Redis)', () => {
  const scenario = new Scenario();

  beforeAll(() => scenario.start({ tradesPerSecondPerSymbol: 20, seed: 22, connectionLifetimeMs: 3_000 }));
  afterAll(() => scenario.stop());

  it('(c) renews make-before-break before the server cuts (STREAM_RENEW_AFTER_MS below the lifetime)', async () => {
    const service = await scenario.startService({ STREAM_RENEW_AFTER_MS: '1500' });
    await sleep(5_000);
    const log = service.output();
    expect(log.match(/renewing connection \S+ \(lifetime\)/g)?.length).toBeGreaterThanOrEqual(SYMBOLS.length / 2);
    expect(log).not.toMatch(/ lost: /);
    expect(scenario.emulator.stats().lifetimeCloses).toBe(0);
    expect(await scenario.expectCompleteHistory()).toBe(0);
    await service.stop('SIGTERM');
  });

  it('(c) the server cuts first (lifetime below STREAM_RENEW_AFTER_MS): reconnects and backfills every gap', async () => {
    scenario.emulator.setConnectionLifetime(2_000);
    const service = await scenario.startService();
    await sleep(5_000);
    expect(scenario.emulator.stats().lifetimeCloses).toBeGreaterThanOrEqual(SYMBOLS.length / 2);
    expect(service.output()).toMatch(/lost: closed by server: 1001/);
    const lost = await scenario.expectCompleteHistory();
    report(`server cuts every 2 s: ${scenario.emulator.stats().lifetimeCloses} cuts, trades lost ${lost}`);
    expect(lost).toBe(0);
  });
});
