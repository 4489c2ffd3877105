import { AppConfig } from '@binance-rates/config';
import { TradeSequencer } from '@binance-rates/domain';
import { BinanceRestClient } from '@binance-rates/binance';
import { LatestPriceStore, RedisClient } from '@binance-rates/cache';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { DatabaseClient, TrackedSymbolRepository, TradeBlockPartitions, TradeGapRecord, TradeGapRepository, TradeHistoryWriter, CandleRollupWriter, ArchiveImportRepository, HistoryCoverageRepository } from '@binance-rates/storage';
import { ArchiveGapFills } from './archive-gap-fills';
import {
  TcpProxy,
  TestDatabase,
  cleanupRedisPrefix,
  createTestDatabase,
  sleep,
  testConfig,
  testRedisPrefix,
  testRedisUrl,
  waitFor,
  STORED_TRADE_IDS,
} from '@binance-rates/testing';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { LatestPriceView } from '../write/latest-price.view';
import { WritePipeline } from '../write/write-pipeline.service';
import { AggTradesPager } from './agg-trades-pager';
import { BackfillQueue } from './backfill-queue';
import { BackfillRunner } from './backfill-runner.service';
import { GapLedger } from './gap-ledger.service';

const WINDOW_MS = 1_000;

/** A backfill runner with its own gap ledger and queue, and the write pipeline it fills. */
interface Backfill {
  ledger: GapLedger;
  queue: BackfillQueue;
  runner: BackfillRunner;
  pipeline: WritePipeline;
}

describe('BackfillRunner catching up after a restart (emulator REST, real PostgreSQL and Redis)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let db: DatabaseClient;
  let redis: RedisClient;
  let prices: LatestPriceStore;
  let pipeline: WritePipeline;
  let gaps: TradeGapRepository;
  let tracked: TrackedSymbolRepository;
  let backfill: Backfill;
  let config: AppConfig;
  let rest: BinanceRestClient;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: 100, seed: 5 });
    database = await createTestDatabase();
    config = testConfig({
      shutdownTimeoutMs: 10_000,
      database: { url: database.url, poolSize: 4 },
      redis: { keyPrefix: prefix },
      // A range found by a jump to ids REST does not have yet is asked for again only briefly.
      ingest: { flushIntervalMs: 10, historyBatchSize: 500, historyWriters: 2, maxPendingTrades: 100_000, backfillWindowMs: WINDOW_MS, backfillWaitForRestMs: 1_000 },
    });
    db = new DatabaseClient(config);
    redis = new RedisClient(config);
    prices = new LatestPriceStore(redis);
    gaps = new TradeGapRepository(db);
    tracked = new TrackedSymbolRepository(db);
    rest = new BinanceRestClient({ baseUrl: emulator.restBaseUrl, weightBudgetPerMinute: 6_000, requestTimeoutMs: 5_000 });
    backfill = newBackfill({ rest, ownPipeline: true });
    pipeline = backfill.pipeline;
    // Enough history for a window to cut through.
    await sleep(2_500);
  });

  afterAll(async () => {
    void backfill.runner.stop();
    await pipeline.drain(2_000);
    await db.onApplicationShutdown();
    await emulator.close();
    await database.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    await redis.onApplicationShutdown();
  });

  /**
   * A started backfill over `rest` (every symbol wanted unless `wanted` is false), recording in `gapRepository`, filling
   * the shared pipeline or, with `ownPipeline`, one whose history batches wait for this backfill's gap ledger.
   */
  function newBackfill({
    rest,
    gapRepository = gaps,
    wanted = true,
    ownPipeline = false,
    waitForRestMs = config.ingest.backfillWaitForRestMs,
  }: {
    rest: BinanceRestClient;
    gapRepository?: TradeGapRepository;
    wanted?: boolean;
    ownPipeline?: boolean;
    waitForRestMs?: number;
  }): Backfill {
    const ledger = new GapLedger(gapRepository, tracked);
    const queue = new BackfillQueue(ledger);
    const filled = ownPipeline
      ? new WritePipeline(config, prices, new TradeHistoryWriter(db, new TradeBlockPartitions(db), new CandleRollupWriter()), new LatestPriceView(prices, { list: () => [] } as unknown as TrackedSymbolsService), ledger, queue)
      : pipeline;
    const trackedList = { isActive: () => wanted } as unknown as TrackedSymbolsService;
    const runnerConfig = testConfig({ ...config, ingest: { ...config.ingest, backfillWaitForRestMs: waitForRestMs } });
    const runner = new BackfillRunner(runnerConfig, queue, ledger, new AggTradesPager(rest), filled, new TradeSequencer(), trackedList, new ArchiveGapFills(runnerConfig, new ArchiveImportRepository(db), new HistoryCoverageRepository(db), ledger, new TradeGapRepository(db)));
    runner.start();
    return { ledger, queue, runner, pipeline: filled };
  }

  /** The stop: the runner lets its fill reach the next page, then the ledger records what is left for the next owner. */
  async function stop(stopping: Backfill): Promise<void> {
    await stopping.runner.stop();
    await stopping.ledger.handOver();
  }

  async function settle(service = backfill): Promise<void> {
    await waitFor(() => service.runner.isIdle(), { what: 'the backfill to go idle', timeoutMs: 10_000, intervalMs: 20 });
    expect(service.runner.isIdle()).toBe(true);
    expect(await service.pipeline.drain()).toBe(true);
  }

  /** A started backfill whose REST goes through a proxy the test can freeze. */
  async function backfillBehindProxy(): Promise<{ service: Backfill; proxy: TcpProxy }> {
    const rest = new URL(emulator.restBaseUrl);
    const proxy = new TcpProxy(rest.hostname, Number(rest.port));
    await proxy.start();
    const service = newBackfill({
      rest: new BinanceRestClient({ baseUrl: `http://127.0.0.1:${proxy.port}`, weightBudgetPerMinute: 6_000, requestTimeoutMs: 30_000 }),
    });
    return { service, proxy };
  }

  /** The open gaps of `symbol` once there is one (within 5 s). */
  async function openGapsOnceRecorded(symbol: string): Promise<TradeGapRecord[]> {
    return waitFor(
      async () => {
        const open = await gaps.listOpen(symbol);
        return open.length > 0 ? open : null;
      },
      { what: `an open gap of ${symbol}`, timeoutMs: 5_000, intervalMs: 20 },
    );
  }

  async function storedIds(symbol: string): Promise<number[]> {
    const { rows } = await db.pool.query(`SELECT trade_id FROM ${STORED_TRADE_IDS} AS stored WHERE symbol = $1 ORDER BY trade_id`, [symbol]);
    return rows.map((row: { trade_id: string }) => Number(row.trade_id));
  }

  it('fetches from the last stored trade and records no gap when nothing before the window is missing', async () => {
    const trades = emulator.tradesOf('ETHUSDT', { limit: 1_000_000 });
    // 20 trades (200 ms at 100/s) inside the window, so the window may move on a little before the service looks.
    const firstInWindow = trades.findIndex((trade) => trade.tradeTime >= Date.now() - WINDOW_MS);
    const lastStored = trades[firstInWindow + 20] as (typeof trades)[number];
    const until = emulator.lastTradeId('ETHUSDT') as number;
    await backfill.runner.catchUpFrom('ETHUSDT', { tradeId: lastStored.aggTradeId, tradeTime: lastStored.tradeTime });
    await settle();
    const ids = await storedIds('ETHUSDT');
    expect(ids[0]).toBe(lastStored.aggTradeId + 1);
    expect(ids[ids.length - 1]).toBeGreaterThanOrEqual(until);
    expect(ids.length).toBe(ids[ids.length - 1] - ids[0] + 1);
    expect(await gaps.listOpen('ETHUSDT')).toEqual([]);
  });

  it('fetches only the window when the last stored trade is older, and records the older part as a durable gap', async () => {
    const trades = emulator.tradesOf('BTCUSDT', { limit: 1_000_000 });
    const lastStored = trades[0];
    const windowStart = Date.now() - WINDOW_MS;
    await backfill.runner.catchUpFrom('BTCUSDT', { tradeId: lastStored.aggTradeId, tradeTime: windowStart - 60_000 });
    await settle();
    const firstInWindow = trades.find((trade) => trade.tradeTime >= windowStart) as (typeof trades)[number];
    const ids = await storedIds('BTCUSDT');
    expect(ids[0]).toBeGreaterThanOrEqual(firstInWindow.aggTradeId - 5);
    expect(ids[0]).toBeGreaterThan(lastStored.aggTradeId + 1);
    expect(ids.length).toBe(ids[ids.length - 1] - ids[0] + 1);
    const open = await gaps.listOpen('BTCUSDT');
    expect(open).toEqual([
      expect.objectContaining({ fromId: lastStored.aggTradeId + 1, toId: ids[0] - 1, reason: expect.stringContaining('backfill window') }),
    ]);
  });

  it('records what a stop left unfetched as gaps due at once, so the next owner fills them', async () => {
    const trades = emulator.tradesOf('SOLUSDT', { limit: 1_000_000 });
    const [first, second] = [trades[0].aggTradeId, trades[100].aggTradeId];
    const stopping = newBackfill({ rest });
    stopping.queue.push({ kind: 'range', symbol: 'SOLUSDT', fromId: first, toId: first + 9, reason: 'test: fetched before the stop' });
    // The runner takes the first fill on its next turn; the second waits behind it.
    await new Promise((resolve) => setImmediate(resolve));
    stopping.queue.push({ kind: 'range', symbol: 'SOLUSDT', fromId: second, toId: second + 9, reason: 'test: still queued at the stop' });
    await stop(stopping);
    // Asked for during the stop (a gap the stream found while closing): recorded too.
    stopping.queue.push({ kind: 'range', symbol: 'SOLUSDT', fromId: second + 50, toId: second + 59, reason: 'test: found during the stop' });
    await stop(stopping);
    // The range fetched before the stop is resolved once its trades are stored.
    await settle(stopping);
    const open = await gaps.listOpen('SOLUSDT');
    expect(open).toEqual([
      expect.objectContaining({ fromId: second, toId: second + 9, reason: 'test: still queued at the stop' }),
      expect.objectContaining({ fromId: second + 50, toId: second + 59, reason: 'test: found during the stop' }),
    ]);
    expect(open.every((gap) => gap.nextAttemptAt.getTime() <= Date.now())).toBe(true);
    await settle();
    expect(await storedIds('SOLUSDT')).toEqual(Array.from({ length: 10 }, (_, index) => first + index));
  });

  it('records a range the moment it is found: a finder that dies (kill -9) while fetching leaves it to the next owner', async () => {
    const { service: finder, proxy } = await backfillBehindProxy();
    const first = emulator.tradesOf('XRPUSDT', { limit: 1_000_000 })[0].aggTradeId;
    proxy.freeze();
    try {
      const foundAt = Date.now();
      finder.queue.push({ kind: 'range', symbol: 'XRPUSDT', fromId: first, toId: first + 9, reason: 'test: found, then its finder died' });
      const open = await openGapsOnceRecorded('XRPUSDT');
      // Recorded while its first page is still on the way, due a retry delay later (the finder is filling it).
      expect(open).toEqual([expect.objectContaining({ fromId: first, toId: first + 9, attempts: 0 })]);
      expect(open[0].nextAttemptAt.getTime()).toBeGreaterThanOrEqual(foundAt + 20_000);
      expect(await storedIds('XRPUSDT')).toEqual([]);
      // The finder dies here: no shutdown hook runs. The gap comes due, and the next owner's sweep asks for it.
      void finder.runner.stop();
      const due = await gaps.due(new Date(Date.now() + 31_000), 100);
      expect(due.map((gap) => gap.id)).toContain(open[0].id);
      backfill.queue.push({ kind: 'gap', gapId: open[0].id, symbol: 'XRPUSDT', fromId: first, toId: first + 9, reason: open[0].reason });
      await settle();
      expect(await storedIds('XRPUSDT')).toEqual(Array.from({ length: 10 }, (_, index) => first + index));
      expect(await gaps.listOpen('XRPUSDT')).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('makes the gap of a fill a stop cut short between two pages due at once', async () => {
    const { service: stopping, proxy } = await backfillBehindProxy();
    try {
      // Two pages' worth of trades, so the fill is between pages when the stop comes.
      const emitted = emulator.emitTrades('DOTUSDT', 1_500);
      const [first, last] = [emitted[0].aggTradeId, emitted[emitted.length - 1].aggTradeId];
      proxy.freeze();
      stopping.queue.push({ kind: 'range', symbol: 'DOTUSDT', fromId: first, toId: last, reason: 'test: cut short by the stop' });
      await openGapsOnceRecorded('DOTUSDT');
      const stopped = stop(stopping);
      // The first page arrives during the stop; the fill sees the stop before asking for the second.
      proxy.thaw();
      await stopped;
      const open = await gaps.listOpen('DOTUSDT');
      expect(open).toEqual([expect.objectContaining({ fromId: first, toId: last, reason: 'test: cut short by the stop' })]);
      expect(open[0].nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    } finally {
      await proxy.stop();
    }
  });

  it("records a new symbol's range (known by time) as soon as its first page gives it ids, resolves it and marks the symbol filled once stored", async () => {
    const trades = emulator.tradesOf('ADAUSDT', { limit: 1_000_000 });
    const [since, until] = [trades[10], trades[30]];
    const { record } = await tracked.add('ADAUSDT');
    expect([...(await tracked.sinceAddedUnfilled(['ADAUSDT'], new Date(0))).keys()]).toEqual(['ADAUSDT']);
    backfill.queue.push({
      kind: 'since-added',
      symbol: 'ADAUSDT',
      fromTime: since.tradeTime,
      addedAt: record.addedAt.getTime(),
      toId: until.aggTradeId,
      reason: 'test: since added',
    });
    await settle();
    const ids = await storedIds('ADAUSDT');
    expect(ids[0]).toBeLessThanOrEqual(since.aggTradeId);
    expect(ids[ids.length - 1]).toBe(until.aggTradeId);
    expect(ids.length).toBe(ids[ids.length - 1] - ids[0] + 1);
    const { rows } = await db.pool.query<{ from_id: string; to_id: string; resolved: boolean }>(
      'SELECT from_id, to_id, resolved_at IS NOT NULL AS resolved FROM trade_gap WHERE symbol = $1',
      ['ADAUSDT'],
    );
    expect(rows).toEqual([{ from_id: String(ids[0]), to_id: String(until.aggTradeId), resolved: true }]);
    expect((await tracked.sinceAddedUnfilled(['ADAUSDT'], new Date(0))).size).toBe(0);
  });

  it('marks a new symbol filled when nothing traded between its addition and its first live trade', async () => {
    const { record } = await tracked.add('LINKUSDT');
    const [first] = emulator.emitTrades('LINKUSDT', 1);
    backfill.queue.push({
      kind: 'since-added',
      symbol: 'LINKUSDT',
      fromTime: first.tradeTime + 1,
      addedAt: record.addedAt.getTime(),
      toId: first.aggTradeId - 1,
      reason: 'test: since added, nothing traded',
    });
    await settle();
    expect((await tracked.sinceAddedUnfilled(['LINKUSDT'], new Date(0))).size).toBe(0);
    expect(await gaps.listOpen('LINKUSDT')).toEqual([]);
  });

  it('stores no trade accepted after a range was found until that range is recorded', async () => {
    let recordNow!: () => void;
    const recording = new Promise<void>((resolve) => (recordNow = resolve));
    class SlowGapRepository extends TradeGapRepository {
      override async recordFound(...args: Parameters<TradeGapRepository['recordFound']>): Promise<number[]> {
        await recording;
        return super.recordFound(...args);
      }
    }
    const finder = newBackfill({ rest, gapRepository: new SlowGapRepository(db), ownPipeline: true });
    const lastId = emulator.lastTradeId('AVAXUSDT') as number;
    // Found by a live trade that jumped: the range (not yet traded, so REST has nothing for it) and then the trade.
    finder.queue.push({ kind: 'range', symbol: 'AVAXUSDT', fromId: lastId + 100_000, toId: lastId + 100_004, reason: 'test: found by a jump' });
    finder.pipeline.accept({
      symbol: 'AVAXUSDT',
      tradeId: lastId + 100_005,
      price: '1.5',
      quantity: '2',
      firstTradeId: 1,
      lastTradeId: 1,
      tradeTime: Date.now(),
      isBuyerMaker: false,
    });
    await sleep(300);
    expect(await storedIds('AVAXUSDT')).toEqual([]);
    recordNow();
    await settle(finder);
    expect(await storedIds('AVAXUSDT')).toEqual([lastId + 100_005]);
    // Recorded (and, REST having nothing there yet, already resolved as filled).
    const { rows } = await db.pool.query<{ from_id: string }>('SELECT from_id FROM trade_gap WHERE symbol = $1', ['AVAXUSDT']);
    expect(rows).toEqual([{ from_id: String(lastId + 100_000) }]);
    await finder.runner.stop();
  });

  it('resolves every open gap of the symbol inside what a fill stored, such as one a dead instance had recorded', async () => {
    const trades = emulator.tradesOf('TRXUSDT', { limit: 1_000_000 });
    const [from, to] = [trades[5].aggTradeId, trades[40].aggTradeId];
    // Recorded by an instance that died before filling them: due later, so no sweep has fetched them yet.
    const [inside, overlapping] = await gaps.recordFound(
      [
        { symbol: 'TRXUSDT', fromId: from + 10, toId: from + 20, reason: 'test: found by a dead instance' },
        { symbol: 'TRXUSDT', fromId: to - 5, toId: to + 5, reason: 'test: reaches past the fill' },
      ],
      new Date(Date.now() + 60_000),
    );
    backfill.queue.push({ kind: 'range', symbol: 'TRXUSDT', fromId: from, toId: to, reason: 'test: catch up' });
    await settle();
    expect(await storedIds('TRXUSDT')).toEqual(Array.from({ length: to - from + 1 }, (_, index) => from + index));
    const open = await gaps.listOpen('TRXUSDT');
    expect(open.map((gap) => gap.id)).toEqual([overlapping]);
    expect(open.map((gap) => gap.id)).not.toContain(inside);
  });

  it('prunes gaps resolved more than a week ago on its sweep, and keeps the rest', async () => {
    const [old, recent] = await gaps.recordFound(
      [1, 2].map((fromId) => ({ symbol: 'PRUNEUSDT', fromId, toId: fromId, reason: 'test' })),
      new Date(Date.now() + 60_000),
    );
    await gaps.resolve(old);
    await gaps.resolve(recent);
    await db.pool.query(`UPDATE trade_gap SET resolved_at = now() - interval '8 days' WHERE id = $1`, [old]);
    const sweeping = newBackfill({ rest, wanted: false });
    try {
      const ids = async (): Promise<number[]> =>
        (await db.pool.query<{ id: number }>('SELECT id FROM trade_gap WHERE symbol = $1 ORDER BY id', ['PRUNEUSDT'])).rows.map((row) => row.id);
      await waitFor(async () => (await ids()).length <= 1, { what: 'the old gap pruned', timeoutMs: 8_000, intervalMs: 100 });
      expect(await ids()).toEqual([recent]);
    } finally {
      await sweeping.runner.stop();
    }
  }, 15_000);


  it('moves a long fill\'s gap past each page once stored, so an instance killed mid-fill leaves only the rest', async () => {
    const first = emulator.emitTrades('ATOMUSDT', 1_000)[0].aggTradeId;
    // Far beyond what has traded: the fill holds page after page as the market trades, waiting for REST in between.
    const filling = newBackfill({ rest, waitForRestMs: 20_000 });
    try {
      filling.queue.push({ kind: 'range', symbol: 'ATOMUSDT', fromId: first, toId: first + 100_000, reason: 'test: long gap' });
      const [open] = await waitFor(
        async () => {
          const gapsOpen = await gaps.listOpen('ATOMUSDT');
          return gapsOpen.length === 1 && gapsOpen[0].fromId >= first + 1_000 ? gapsOpen : null;
        },
        { what: 'the gap moved past the first page', timeoutMs: 5_000, intervalMs: 50 },
      );
      expect(open.toId).toBe(first + 100_000);
      const stored = await storedIds('ATOMUSDT');
      expect(stored.slice(0, open.fromId - first)).toEqual(Array.from({ length: open.fromId - first }, (_, index) => first + index));
      // Held by its filler meanwhile: no other instance's sweep takes it.
      expect(open.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 10_000);
    } finally {
      void filling.runner.stop();
    }
  });
});
