import { AppConfig } from '@binance-rates/config';
import { TradeRun, TradeSequencer } from '@binance-rates/domain';
import { BinanceRestClient } from '@binance-rates/binance';
import { LatestPriceStore, RedisClient } from '@binance-rates/cache';
import { BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import { DatabaseClient, TrackedSymbolRepository, TradeBlockPartitions, TradeGapRepository, TradeHistoryWriter, CandleRollupWriter, ArchiveImportRepository, HistoryCoverageRepository } from '@binance-rates/storage';
import { ArchiveGapFills } from './archive-gap-fills';
import { TestDatabase, cleanupRedisPrefix, createTestDatabase, sleep, testConfig, testRedisPrefix, testRedisUrl, waitFor, STORED_TRADE_IDS } from '@binance-rates/testing';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { LatestPriceView } from '../write/latest-price.view';
import { WritePipeline } from '../write/write-pipeline.service';
import { AggTradesPager } from './agg-trades-pager';
import { BackfillQueue } from './backfill-queue';
import { BackfillRunner } from './backfill-runner.service';
import { GapLedger } from './gap-ledger.service';

interface Backfill {
  ledger: GapLedger;
  queue: BackfillQueue;
  runner: BackfillRunner;
  pipeline: WritePipeline;
}

interface GapRow {
  fromId: number;
  toId: number | null;
  resolved: boolean;
}

/** A history writer that holds every write until `release()`: storage that has fallen behind. */
class HeldTradeWriter extends TradeHistoryWriter {
  private released!: () => void;
  private readonly releasing = new Promise<void>((resolve) => (this.released = resolve));

  release(): void {
    this.released();
  }

  override async store(runs: readonly TradeRun[]): Promise<number> {
    await this.releasing;
    return super.store(runs);
  }
}

/**
 * A fill that ends short of its target id is not finished: Binance's REST trails its stream (emulator REST lag), and
 * trades the full history buffer could not hold are not stored. What it stored is resolved; the rest stays an open gap.
 */
describe('BackfillRunner with a fill that ends short of its target (emulator REST with lag, real PostgreSQL and Redis)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let db: DatabaseClient;
  let redis: RedisClient;
  let prices: LatestPriceStore;
  let gaps: TradeGapRepository;
  let tracked: TrackedSymbolRepository;
  let rest: BinanceRestClient;
  const running: Backfill[] = [];
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tradesPerSecondPerSymbol: 0, seed: 12 });
    database = await createTestDatabase();
    const config = testConfig({ database: { url: database.url, poolSize: 4 }, redis: { keyPrefix: prefix } });
    db = new DatabaseClient(config);
    redis = new RedisClient(config);
    prices = new LatestPriceStore(redis);
    gaps = new TradeGapRepository(db);
    tracked = new TrackedSymbolRepository(db);
    rest = new BinanceRestClient({ baseUrl: emulator.restBaseUrl, weightBudgetPerMinute: 6_000, requestTimeoutMs: 5_000 });
  });

  afterAll(async () => {
    for (const backfill of running) {
      await backfill.runner.stop();
      await backfill.pipeline.drain(2_000);
    }
    await db.onApplicationShutdown();
    await emulator.close();
    await database.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    await redis.onApplicationShutdown();
  });

  /** A started backfill that waits up to `waitForRestMs` for REST to reach a fill's target, filling its own pipeline. */
  function newBackfill({ waitForRestMs, maxPendingTrades = 100_000, writer = new TradeHistoryWriter(db, new TradeBlockPartitions(db), new CandleRollupWriter()) }: { waitForRestMs: number; maxPendingTrades?: number; writer?: TradeHistoryWriter }): Backfill {
    const config: AppConfig = testConfig({
      database: { url: database.url, poolSize: 4 },
      redis: { keyPrefix: prefix },
      ingest: { flushIntervalMs: 10, historyBatchSize: 500, historyWriters: 1, maxPendingTrades, backfillWaitForRestMs: waitForRestMs },
    });
    const ledger = new GapLedger(gaps, tracked);
    const queue = new BackfillQueue(ledger);
    const view = new LatestPriceView(prices, { list: () => [] } as unknown as TrackedSymbolsService);
    const pipeline = new WritePipeline(config, prices, writer, view, ledger, queue);
    const trackedList = { isActive: () => true } as unknown as TrackedSymbolsService;
    const runner = new BackfillRunner(config, queue, ledger, new AggTradesPager(rest), pipeline, new TradeSequencer(), trackedList, new ArchiveGapFills(config, new ArchiveImportRepository(db), new HistoryCoverageRepository(db), ledger, new TradeGapRepository(db)));
    runner.start();
    const backfill = { ledger, queue, runner, pipeline };
    running.push(backfill);
    return backfill;
  }

  async function settle(backfill: Backfill, timeoutMs = 10_000): Promise<void> {
    await waitFor(() => backfill.runner.isIdle(), { what: 'the backfill to go idle', timeoutMs, intervalMs: 20 });
    expect(await backfill.pipeline.drain()).toBe(true);
  }

  async function storedIds(symbol: string): Promise<number[]> {
    const { rows } = await db.pool.query(`SELECT trade_id FROM ${STORED_TRADE_IDS} AS stored WHERE symbol = $1 ORDER BY trade_id`, [symbol]);
    return rows.map((row: { trade_id: string }) => Number(row.trade_id));
  }

  async function gapRows(symbol: string): Promise<GapRow[]> {
    const { rows } = await db.pool.query<{ from_id: string; to_id: string | null; resolved: boolean }>(
      'SELECT from_id, to_id, resolved_at IS NOT NULL AS resolved FROM trade_gap WHERE symbol = $1 ORDER BY from_id, id',
      [symbol],
    );
    return rows.map((row) => ({ fromId: Number(row.from_id), toId: row.to_id === null ? null : Number(row.to_id), resolved: row.resolved }));
  }

  /** Ids of `from..to` neither stored nor inside an open gap: missing without anyone knowing. */
  async function silentlyMissing(symbol: string, from: number, to: number): Promise<number[]> {
    const stored = new Set(await storedIds(symbol));
    const open = (await gapRows(symbol)).filter((gap) => !gap.resolved);
    const covered = (id: number) => open.some((gap) => gap.fromId <= id && (gap.toId === null || id <= gap.toId));
    return Array.from({ length: to - from + 1 }, (_, index) => from + index).filter((id) => !stored.has(id) && !covered(id));
  }

  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

  it('waits while REST ends short of the target id and completes the fill once REST has caught up', async () => {
    emulator.setRestLag(1_000);
    const older = emulator.emitTrades('BTCUSDT', 20);
    await sleep(1_100);
    const newer = emulator.emitTrades('BTCUSDT', 30);
    const [first, last] = [older[0].aggTradeId, newer[newer.length - 1].aggTradeId];
    const backfill = newBackfill({ waitForRestMs: 5_000 });
    backfill.queue.push({ kind: 'range', symbol: 'BTCUSDT', fromId: first, toId: last, reason: 'test: REST trails the stream' });
    await settle(backfill);
    expect(await storedIds('BTCUSDT')).toEqual(range(first, last));
    expect(await gapRows('BTCUSDT')).toEqual([{ fromId: first, toId: last, resolved: true }]);
  });

  it('records the rest as an open gap due a retry when REST trails longer than the wait, and resolves only what it stored', async () => {
    emulator.setRestLag(3_000);
    const older = emulator.emitTrades('ETHUSDT', 20);
    await sleep(3_100);
    const newer = emulator.emitTrades('ETHUSDT', 30);
    const [first, last] = [older[0].aggTradeId, newer[newer.length - 1].aggTradeId];
    const backfill = newBackfill({ waitForRestMs: 800 });
    backfill.queue.push({ kind: 'range', symbol: 'ETHUSDT', fromId: first, toId: last, reason: 'test: REST trails past the wait' });
    await settle(backfill);
    expect(await storedIds('ETHUSDT')).toEqual(range(first, first + 19));
    expect(await gapRows('ETHUSDT')).toEqual([{ fromId: first + 20, toId: last, resolved: false }]);
    const [open] = await gaps.listOpen('ETHUSDT');
    expect(open).toEqual(expect.objectContaining({ attempts: 1, lastError: expect.stringMatching(/REST/) }));
    expect(open.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    expect(await silentlyMissing('ETHUSDT', first, last)).toEqual([]);
  });

  it('stops promptly while waiting for REST and leaves the whole range to the next owner', async () => {
    emulator.setRestLag(60_000);
    const emitted = emulator.emitTrades('SOLUSDT', 10);
    const [first, last] = [emitted[0].aggTradeId, emitted[emitted.length - 1].aggTradeId];
    const backfill = newBackfill({ waitForRestMs: 30_000 });
    backfill.queue.push({ kind: 'range', symbol: 'SOLUSDT', fromId: first, toId: last, reason: 'test: stopped while waiting' });
    await sleep(700);
    const stopAt = Date.now();
    await backfill.runner.stop();
    await backfill.ledger.handOver();
    expect(Date.now() - stopAt).toBeLessThan(1_000);
    await settle(backfill);
    expect(await storedIds('SOLUSDT')).toEqual([]);
    const open = await gaps.listOpen('SOLUSDT');
    expect(open).toEqual([expect.objectContaining({ fromId: first, toId: last })]);
    expect(open[0].nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('counts no trade the full history buffer could not hold as stored: that part of the fill stays an open gap', async () => {
    emulator.setRestLag(0);
    const emitted = emulator.emitTrades('XRPUSDT', 300);
    const [first, last] = [emitted[0].aggTradeId, emitted[emitted.length - 1].aggTradeId];
    const writer = new HeldTradeWriter(db, new TradeBlockPartitions(db), new CandleRollupWriter());
    const backfill = newBackfill({ waitForRestMs: 5_000, maxPendingTrades: 100, writer });
    backfill.queue.push({ kind: 'range', symbol: 'XRPUSDT', fromId: first, toId: last, reason: 'test: storage behind' });
    await waitFor(() => backfill.pipeline.stats().shedTrades > 0, { what: 'trades shed', timeoutMs: 5_000, intervalMs: 10 });
    await sleep(200);
    writer.release();
    await settle(backfill);
    expect(await storedIds('XRPUSDT')).toEqual(range(first, first + 99));
    expect(await silentlyMissing('XRPUSDT', first, last)).toEqual([]);
    expect((await gapRows('XRPUSDT')).filter((gap) => !gap.resolved)).toEqual([{ fromId: first + 100, toId: last, resolved: false }]);
  });
});
