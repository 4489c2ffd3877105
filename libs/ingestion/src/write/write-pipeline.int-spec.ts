import { AppConfig } from '@binance-rates/config';
import { LatestPriceStore, RedisClient } from '@binance-rates/cache';
import { AggTrade, LatestPrice, TradeSequencer } from '@binance-rates/domain';
import { BinanceRestClient, InputQuarantine } from '@binance-rates/binance';
import { DatabaseClient, FoundTradeGap, TrackedSymbolRepository, TradeBlockPartitions, TradeGapRepository, TradeHistoryWriter, CandleRollupWriter, ArchiveImportRepository, HistoryCoverageRepository } from '@binance-rates/storage';
import { ArchiveGapFills } from '../gaps/archive-gap-fills';
import {
  TcpProxy,
  TestDatabase,
  aggTrade,
  cleanupRedisPrefix,
  createTestDatabase,
  sleep,
  testConfig,
  testRedisPrefix,
  testRedisUrl,
  waitFor,
  STORED_TRADE_IDS,
} from '@binance-rates/testing';
import { AggTradesPager } from '../gaps/agg-trades-pager';
import { BackfillJob } from '../gaps/backfill-job';
import { BackfillQueue } from '../gaps/backfill-queue';
import { BackfillRunner } from '../gaps/backfill-runner.service';
import { GapLedger } from '../gaps/gap-ledger.service';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { LatestPriceView } from './latest-price.view';
import { WritePipeline } from './write-pipeline.service';

/** A backfill queue that only notes what it is handed. */
class RecordingQueue extends BackfillQueue {
  readonly pushed: BackfillJob[] = [];

  override push(job: BackfillJob): void {
    this.pushed.push(job);
  }
}

async function priceOf(store: LatestPriceStore, symbol: string): Promise<LatestPrice | null> {
  return (await store.getMany([symbol])).get(symbol) ?? null;
}

/** Its price tells which trade it was. */
function trade(symbol: string, tradeId: number): AggTrade {
  return aggTrade({ symbol, tradeId, price: `${tradeId}.12345678` });
}

describe('WritePipeline (real PostgreSQL behind a cuttable proxy, real Redis)', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let db: DatabaseClient;
  let redis: RedisClient;
  let pipeline: WritePipeline;
  let prices: LatestPriceStore;
  let config: AppConfig;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    database = await createTestDatabase();
    const proxied = await TcpProxy.inFrontOf(database.url);
    proxy = proxied.proxy;
    config = testConfig({
      database: { url: proxied.url, poolSize: 4 },
      redis: { keyPrefix: prefix },
      ingest: { flushIntervalMs: 10, historyBatchSize: 500, historyWriters: 2, maxPendingTrades: 2_000, backfillWindowMs: 60_000 },
    });
    db = new DatabaseClient(config);
    redis = new RedisClient(config);
    prices = new LatestPriceStore(redis);
    pipeline = newPipeline();
  });

  /**
   * A pipeline of its own over the same PostgreSQL (behind the proxy) and Redis, with these ingest settings changed,
   * recording found ranges in `ledger` and handing shed ones to `queue`.
   */
  function newPipeline(
    ingest: Partial<AppConfig['ingest']> = {},
    ledger = new GapLedger(new TradeGapRepository(db), new TrackedSymbolRepository(db)),
    queue: BackfillQueue = new RecordingQueue(ledger),
    quarantine = new InputQuarantine(),
  ): WritePipeline {
    const view = new LatestPriceView(prices, { list: () => [] } as unknown as TrackedSymbolsService);
    return new WritePipeline({ ...config, ingest: { ...config.ingest, ...ingest } }, prices, new TradeHistoryWriter(db, new TradeBlockPartitions(db), new CandleRollupWriter()), view, ledger, queue, quarantine);
  }

  afterAll(async () => {
    await pipeline.drain(1_000);
    await db.onApplicationShutdown();
    await proxy.stop();
    await database.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    await redis.onApplicationShutdown();
  });

  async function storedIds(symbol: string): Promise<number[]> {
    const { rows } = await db.pool.query(`SELECT trade_id FROM ${STORED_TRADE_IDS} AS stored WHERE symbol = $1 ORDER BY trade_id`, [symbol]);
    return rows.map((row: { trade_id: string }) => Number(row.trade_id));
  }

  it('stores every trade once and the newest price, even when trades repeat', async () => {
    for (let id = 1; id <= 1_200; id += 1) pipeline.accept(trade('PIPEA', id));
    for (let id = 1_000; id <= 1_200; id += 1) pipeline.accept(trade('PIPEA', id));
    expect(await pipeline.drain()).toBe(true);
    const ids = await storedIds('PIPEA');
    expect(ids).toHaveLength(1_200);
    expect(ids[ids.length - 1]).toBe(1_200);
    expect(await priceOf(prices, 'PIPEA')).toMatchObject({ price: '1200.12345678', tradeId: 1_200 });
  });

  it('spreads many symbols over parallel writers and stores each one completely', async () => {
    const symbols = Array.from({ length: 20 }, (_, index) => `LANE${index}`);
    // 1,800 trades: within the 2,000 the pipeline may hold, so nothing is shed.
    for (let id = 1; id <= 90; id += 1) {
      for (const symbol of symbols) pipeline.accept(trade(symbol, id));
    }
    expect(await pipeline.drain()).toBe(true);
    for (const symbol of symbols) {
      expect(await storedIds(symbol)).toEqual(Array.from({ length: 90 }, (_, index) => index + 1));
    }
    expect(pipeline.stats()).toMatchObject({ pendingTrades: 0, shedTrades: 0 });
  });

  it('refuses a trade that cannot be stored without moving the price or holding up the rest', async () => {
    const rejectedBefore = pipeline.stats().rejectedTrades;
    pipeline.accept(trade('PIPEC', 1));
    pipeline.accept({ ...trade('PIPEC', 2), price: '2\t5' });
    pipeline.accept(trade('PIPEC', 3));
    pipeline.accept({ ...trade('PIPEC', 4), tradeTime: 1.5 });
    expect(await pipeline.drain()).toBe(true);
    expect(await storedIds('PIPEC')).toEqual([1, 3]);
    expect(await priceOf(prices, 'PIPEC')).toMatchObject({ tradeId: 3, price: '3.12345678' });
    expect(pipeline.stats().rejectedTrades - rejectedBefore).toBe(2);
  });

  it('holds history while PostgreSQL is unreachable, keeps prices flowing, and stores it all on recovery', async () => {
    await proxy.cut();
    for (let id = 1; id <= 1_500; id += 1) pipeline.accept(trade('PIPEB', id));
    await sleep(500);
    expect(pipeline.stats().historyHealthy).toBe(false);
    expect(pipeline.stats().pendingTrades).toBe(1_500);
    expect((await priceOf(prices, 'PIPEB'))?.tradeId).toBe(1_500);
    await proxy.restore();
    expect(await pipeline.drain(15_000)).toBe(true);
    expect(await storedIds('PIPEB')).toEqual(Array.from({ length: 1_500 }, (_, index) => index + 1));
    expect(pipeline.stats().historyHealthy).toBe(true);
  });

  it('after Redis lost every key, lets no backfilled trade become the latest price over a newer stored one', async () => {
    for (let id = 1; id <= 100; id += 1) pipeline.accept(trade('PIPEF', id));
    expect(await pipeline.drain()).toBe(true);
    // Redis restarted without persistence.
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    pipeline.acceptMany(Array.from({ length: 10 }, (_, index) => trade('PIPEF', 50 + index)));
    expect(await pipeline.drain()).toBe(true);
    expect([null, 100]).toContain((await priceOf(prices, 'PIPEF'))?.tradeId ?? null);
  });

  it('tells when every trade of a symbol accepted so far is stored, waiting out an outage', async () => {
    await expect(pipeline.whenStored('PIPED')).resolves.toBe(true);
    await proxy.cut();
    for (let id = 1; id <= 700; id += 1) pipeline.accept(trade('PIPED', id));
    let stored: boolean | undefined;
    void pipeline.whenStored('PIPED').then((answer) => (stored = answer));
    await sleep(300);
    expect(stored).toBeUndefined();
    await proxy.restore();
    await waitFor(() => stored !== undefined, { what: 'the answer of whenStored', timeoutMs: 15_000 });
    expect(stored).toBe(true);
    // Told only once the rows are there.
    expect(await storedIds('PIPED')).toHaveLength(700);
  });

  it('tells a waiter the trades were not stored when the pipeline stops first', async () => {
    const stopping = newPipeline();
    await proxy.cut();
    try {
      stopping.accept(trade('PIPEE', 1));
      const stored = stopping.whenStored('PIPEE');
      stopping.stop();
      await expect(stored).resolves.toBe(false);
    } finally {
      await proxy.restore();
    }
  });

  it('sheds what overflows its bound as id ranges to backfill, never holding more than the bound', async () => {
    const ledger = new GapLedger(new TradeGapRepository(db), new TrackedSymbolRepository(db));
    const backfill = new RecordingQueue(ledger);
    const bounded = newPipeline({}, ledger, backfill);
    await proxy.cut();
    for (let id = 1; id <= 3_000; id += 1) bounded.accept(trade('PIPEC', id));
    await sleep(300);
    expect(bounded.stats().pendingTrades).toBeLessThanOrEqual(2_000);
    await proxy.restore();
    expect(await bounded.drain(15_000)).toBe(true);
    bounded.stop();
    expect(backfill.pushed).toEqual([expect.objectContaining({ symbol: 'PIPEC', fromId: 2_001, toId: 3_000 })]);
    const ids = await storedIds('PIPEC');
    expect(ids).toEqual(Array.from({ length: 2_000 }, (_, index) => index + 1));
  });

  it('has a range shed under load recorded as a gap before any later trade of the symbol is stored', async () => {
    const ledger = new GapLedger(new TradeGapRepository(db), new TrackedSymbolRepository(db));
    const queue = new BackfillQueue(ledger);
    const shedding = newPipeline({ maxPendingTrades: 10 }, ledger, queue);
    // Binance unreachable: the range stays a recorded gap instead of being filled.
    const rest = new BinanceRestClient({ baseUrl: 'http://127.0.0.1:9', weightBudgetPerMinute: 6_000, requestTimeoutMs: 1_000 });
    const tracked = { isActive: () => true } as unknown as TrackedSymbolsService;
    const backfill = new BackfillRunner(config, queue, ledger, new AggTradesPager(rest), shedding, new TradeSequencer(), tracked, new ArchiveGapFills(config, new ArchiveImportRepository(db), new HistoryCoverageRepository(db), ledger, new TradeGapRepository(db)));
    backfill.start();
    await proxy.cut();
    let cut = true;
    try {
      for (let id = 1; id <= 15; id += 1) shedding.accept(trade('PIPESHED', id));
      expect(shedding.stats().shedTrades).toBe(5);
      await proxy.restore();
      cut = false;
      await waitFor(() => shedding.stats().pendingTrades === 0, { what: 'the held trades stored', timeoutMs: 15_000, intervalMs: 20 });
      shedding.accept(trade('PIPESHED', 16));
      await waitFor(async () => (await storedIds('PIPESHED')).includes(16), { what: 'trade 16 stored', timeoutMs: 15_000, intervalMs: 5 });
      const { rows } = await db.pool.query('SELECT from_id, to_id FROM trade_gap WHERE symbol = $1', ['PIPESHED']);
      expect(rows).toEqual([{ from_id: '11', to_id: '15' }]);
      expect(await storedIds('PIPESHED')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16]);
    } finally {
      await backfill.stop();
      await ledger.handOver();
      shedding.stop();
      if (cut) await proxy.restore();
    }
  });

  it('once full, sheds until the buffer drained below 80% of its bound, so an episode leaves one range per symbol', async () => {
    // History writes wait at this gate; `letOneBatchThrough` lets the one batch waiting at it go.
    let release: () => void = () => undefined;
    let closed = new Promise<void>((resolve) => (release = resolve));
    let open = false;
    class GatedLedger extends GapLedger {
      override recording(): Promise<void> | null {
        return open ? null : closed;
      }
    }
    const ledger = new GatedLedger(new TradeGapRepository(db), new TrackedSymbolRepository(db));
    const backfill = new RecordingQueue(ledger);
    const bounded = newPipeline({ historyWriters: 1, historyBatchSize: 200, maxPendingTrades: 2_000 }, ledger, backfill);
    const letOneBatchThrough = (): void => {
      const previous = release;
      closed = new Promise<void>((resolve) => (release = resolve));
      previous();
    };

    for (let id = 1; id <= 2_005; id += 1) bounded.accept(trade('PIPEH', id));
    expect(bounded.stats()).toMatchObject({ pendingTrades: 2_000, shedTrades: 5 });
    letOneBatchThrough();
    await waitFor(() => bounded.stats().persistedTrades === 200, { what: 'the one batch let through stored', timeoutMs: 10_000, intervalMs: 5 });
    // 1,800 pending: room again, but not yet below 1,600, so this one is shed too and extends the same range.
    bounded.accept(trade('PIPEH', 2_006));
    expect(bounded.stats()).toMatchObject({ pendingTrades: 1_800, shedTrades: 6 });
    expect(backfill.pushed).toEqual([]);

    open = true;
    release();
    await waitFor(() => bounded.stats().pendingTrades === 0, { what: 'every held trade stored', timeoutMs: 10_000, intervalMs: 5 });
    bounded.accept(trade('PIPEH', 2_007));
    expect(backfill.pushed).toEqual([expect.objectContaining({ symbol: 'PIPEH', fromId: 2_001, toId: 2_006 })]);
    expect(await bounded.drain()).toBe(true);
    expect(await storedIds('PIPEH')).toEqual([...Array.from({ length: 2_000 }, (_, index) => index + 1), 2_007]);
    bounded.stop();
  });

  async function gapsOf(symbol: string): Promise<Array<{ from_id: string; to_id: string; reason: string; due_in_years: number }>> {
    const { rows } = await db.pool.query(
      `SELECT from_id, to_id, reason, extract(epoch FROM next_attempt_at - now()) / (365.25 * 86400) AS due_in_years
         FROM trade_gap WHERE symbol = $1 AND resolved_at IS NULL ORDER BY from_id`,
      [symbol],
    );
    return rows.map((row: { from_id: string; to_id: string; reason: string; due_in_years: string }) => ({ ...row, due_in_years: Number(row.due_in_years) }));
  }

  it('quarantines a trade dated year 10000 among good ones: the others stored, the lane flowing, its id a gap never refilled', async () => {
    const quarantine = new InputQuarantine();
    const ledger = new GapLedger(new TradeGapRepository(db), new TrackedSymbolRepository(db));
    const dated = newPipeline({}, ledger, new RecordingQueue(ledger), quarantine);
    try {
      dated.accept(trade('PIPEY', 1));
      dated.accept({ ...trade('PIPEY', 2), tradeTime: Date.UTC(10000, 0, 1) });
      dated.accept(trade('PIPEY', 3));
      expect(await dated.drain(5_000)).toBe(true);
      expect(await storedIds('PIPEY')).toEqual([1, 3]);
      dated.accept(trade('PIPEY', 4));
      expect(await dated.drain(5_000)).toBe(true);
      expect(await storedIds('PIPEY')).toEqual([1, 3, 4]);
      expect(quarantine.counts()).toEqual({ not_storable: 1 });
      await ledger.settled();
      expect(await gapsOf('PIPEY')).toEqual([
        { from_id: '2', to_id: '2', reason: expect.stringMatching(/^quarantined: /), due_in_years: expect.any(Number) },
      ]);
      expect((await gapsOf('PIPEY'))[0].due_in_years).toBeGreaterThan(50);
    } finally {
      dated.stop();
    }
  });

  it('quarantines a trade whose price is not a decimal among good ones: the others stored, its id a gap never fetched', async () => {
    const quarantine = new InputQuarantine();
    const ledger = new GapLedger(new TradeGapRepository(db), new TrackedSymbolRepository(db));
    const splitting = newPipeline({}, ledger, new RecordingQueue(ledger), quarantine);
    try {
      for (let id = 1; id <= 20; id += 1) {
        splitting.accept(id === 13 ? { ...trade('PIPEZ', id), price: 'abc' } : trade('PIPEZ', id));
      }
      expect(await splitting.drain(5_000)).toBe(true);
      expect(await storedIds('PIPEZ')).toEqual(Array.from({ length: 20 }, (_, index) => index + 1).filter((id) => id !== 13));
      expect(quarantine.counts()).toEqual({ not_storable: 1 });
      expect(await gapsOf('PIPEZ')).toEqual([
        { from_id: '13', to_id: '13', reason: expect.stringMatching(/^quarantined: /), due_in_years: expect.any(Number) },
      ]);
    } finally {
      splitting.stop();
    }
  });

  it('holds back a symbol whose found range could not be recorded until it is, while other symbols flow', async () => {
    class RefusingGapRepository extends TradeGapRepository {
      refusing = true;
      override recordFound(found: readonly FoundTradeGap[], dueAt: Date): Promise<number[]> {
        return this.refusing ? Promise.reject(new Error('gap write refused')) : super.recordFound(found, dueAt);
      }
    }
    const gaps = new RefusingGapRepository(db);
    const ledger = new GapLedger(gaps, new TrackedSymbolRepository(db));
    const holding = newPipeline({}, ledger, new RecordingQueue(ledger));
    try {
      await expect(ledger.recordFound({ symbol: 'PIPEHOLD', fromId: 5, toId: 9, reason: 'gap in live stream' })).resolves.toBeUndefined();
      for (const id of [1, 2, 3, 4, 10, 11, 12]) holding.accept(trade('PIPEHOLD', id));
      for (let id = 1; id <= 5; id += 1) holding.accept(trade('PIPEFLOW', id));
      await waitFor(async () => (await storedIds('PIPEFLOW')).length === 5, { what: 'the other symbol stored', timeoutMs: 10_000, intervalMs: 20 });
      await sleep(500);
      expect((await storedIds('PIPEHOLD')).filter((id) => id > 9)).toEqual([]);
      gaps.refusing = false;
      await waitFor(async () => (await storedIds('PIPEHOLD')).length === 7, { what: 'the held symbol stored', timeoutMs: 15_000, intervalMs: 20 });
      expect(await gapsOf('PIPEHOLD')).toEqual([{ from_id: '5', to_id: '9', reason: 'gap in live stream', due_in_years: expect.any(Number) }]);
    } finally {
      holding.stop();
      await ledger.handOver();
    }
  });
});
