import { AppConfig } from '@binance-rates/config';
import { archiveFileKey, BinanceArchiveClient, BinanceRestClient, parseDay } from '@binance-rates/binance';
import { LatestPriceStore, RedisClient } from '@binance-rates/cache';
import { TradeSequencer } from '@binance-rates/domain';
import { type BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import {
  ArchiveImportRepository,
  CandleRollupWriter,
  DatabaseClient,
  HistoryCoverageRepository,
  TrackedSymbolRepository,
  TradeBlockPartitions,
  TradeGapRepository,
  TradeHistoryWriter,
} from '@binance-rates/storage';
import {
  cleanupRedisPrefix,
  createTestDatabase,
  STORED_TRADE_IDS,
  testConfig,
  type TestDatabase,
  testRedisPrefix,
  testRedisUrl,
  waitFor,
} from '@binance-rates/testing';
import { ArchiveImportRunner } from '../import/archive-import.runner';
import { runArchiveImport } from '../import/run-archive-import';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { LatestPriceView } from '../write/latest-price.view';
import { WritePipeline } from '../write/write-pipeline.service';
import { AggTradesPager } from './agg-trades-pager';
import { ArchiveGapFills } from './archive-gap-fills';
import { BackfillQueue } from './backfill-queue';
import { BackfillRunner } from './backfill-runner.service';
import { GapLedger } from './gap-ledger.service';

const PER_DAY = 2_000;
const LISTED = '2024-01-01';
const DAY_MS = 86_400_000;
const dayNumber = (day: string) => parseDay(day) as number;
/** The ids the emulator's archive gives the days `from`..`to`. */
const idsOf = (from: string, to: string) => ({ first: (dayNumber(from) - dayNumber(LISTED)) * PER_DAY, last: (dayNumber(to) - dayNumber(LISTED) + 1) * PER_DAY - 1 });

/**
 * Long, old gaps are filled from the archive: the backfill's sweep hands them to an import and leaves them alone while
 * it runs; the import's end resolves them only when every id is stored, and leaves them to REST otherwise.
 */
describe('gaps filled from the archive (emulator archive, real PostgreSQL and Redis)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let db: DatabaseClient;
  let redis: RedisClient;
  let config: AppConfig;
  let gaps: TradeGapRepository;
  let imports: ArchiveImportRepository;
  let writer: TradeHistoryWriter;
  let archive: BinanceArchiveClient;
  let ledger: GapLedger;
  let fills: ArchiveGapFills;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    emulator = await startEmulator({
      tradesPerSecondPerSymbol: 0,
      archiveTradesPerDay: PER_DAY,
      symbols: [{ symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', startPrice: '43000.00', listedSince: LISTED }],
    });
    archive = new BinanceArchiveClient({ baseUrl: emulator.dataBaseUrl, retryDelayMs: 10 });
  });

  afterAll(async () => {
    await emulator.close();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
  });

  beforeEach(async () => {
    database = await createTestDatabase();
    // Gaps of 5,000 ids or more (two and a half of the emulator's days) go to the archive.
    config = testConfig({
      database: { url: database.url, poolSize: 6 },
      redis: { keyPrefix: prefix },
      ingest: { flushIntervalMs: 10, historyBatchSize: 500, historyWriters: 2, backfillWindowMs: DAY_MS, backfillArchiveMinTrades: 5_000 },
    });
    db = new DatabaseClient(config);
    gaps = new TradeGapRepository(db);
    imports = new ArchiveImportRepository(db);
    writer = new TradeHistoryWriter(db, new TradeBlockPartitions(db), new CandleRollupWriter());
    const tracked = new TrackedSymbolRepository(db);
    await tracked.add('BTCUSDT');
    ledger = new GapLedger(gaps, tracked);
    fills = new ArchiveGapFills(config, imports, new HistoryCoverageRepository(db), ledger, gaps);
    emulator.resetArchiveFaults();
  });

  afterEach(async () => {
    await db.close();
    await database.drop();
  });

  /** Imports the days as a user would, so the history holds them (the trades around a gap). */
  async function importDays(from: string, to: string): Promise<void> {
    const files = [];
    for (let day = dayNumber(from); day <= dayNumber(to); day += 1) files.push(archiveFileKey({ period: 'daily', date: new Date(day * DAY_MS).toISOString().slice(0, 10) }));
    const created = await imports.create({ symbol: 'BTCUSDT', fromDay: from, toDay: to, files });
    await runImport(created.id);
  }

  async function runImport(id: number): Promise<void> {
    const job = await imports.claim({ owner: 'test', leaseMs: 30_000, match: { kind: 'id', id } });
    const end = await runArchiveImport({ job: job!, signal: new AbortController().signal, archive, writer, imports, owner: 'test', leaseMs: 30_000, yieldToLive: async () => undefined });
    expect(end.status).toBe('done');
  }

  async function storedBetween(first: number, last: number): Promise<number> {
    const { rows } = await db.query<{ count: number }>(
      `SELECT count(DISTINCT trade_id)::float8 AS count FROM ${STORED_TRADE_IDS} AS s WHERE symbol = 'BTCUSDT' AND trade_id BETWEEN $1 AND $2`,
      [first, last],
    );
    return rows[0]?.count ?? 0;
  }

  /** The days 2024-01-01 and 2024-01-06 stored, the four between them a recorded gap. */
  async function gapBetweenStoredDays() {
    await importDays('2024-01-01', '2024-01-01');
    await importDays('2024-01-06', '2024-01-06');
    const missing = idsOf('2024-01-02', '2024-01-05');
    const { gap } = await gaps.record({ symbol: 'BTCUSDT', fromId: missing.first, toId: missing.last, reason: 'older than the backfill window' });
    await db.query('UPDATE trade_gap SET next_attempt_at = now() - interval \'1 second\'');
    return { gap, missing };
  }

  it("hands a long, old gap to an import at the sweep, leaves it to that import and resolves it once the import stored its ids", async () => {
    const { gap, missing } = await gapBetweenStoredDays();
    redis = new RedisClient(config);
    const prices = new LatestPriceStore(redis);
    const queue = new BackfillQueue(ledger);
    const pipeline = new WritePipeline(config, prices, writer, new LatestPriceView(prices, { list: () => [] } as unknown as TrackedSymbolsService), ledger, queue);
    const trackedList = { isActive: () => true } as unknown as TrackedSymbolsService;
    const rest = new BinanceRestClient({ baseUrl: emulator.restBaseUrl, weightBudgetPerMinute: 6_000, requestTimeoutMs: 5_000 });
    const backfill = new BackfillRunner(config, queue, ledger, new AggTradesPager(rest), pipeline, new TradeSequencer(), trackedList, fills);
    const importer = new ArchiveImportRunner(config, imports, writer, archive, pipeline);
    try {
      backfill.start();
      // The sweep (every 5 s) creates the import; nothing is queued for REST meanwhile.
      const fill = await waitFor(() => imports.findByGap(gap.id), { what: 'the import of the gap', timeoutMs: 10_000, intervalMs: 100 });
      expect(fill).toMatchObject({ symbol: 'BTCUSDT', fromDay: '2024-01-01', toDay: '2024-01-06', files: expect.arrayContaining(['daily/2024-01-03']) });
      expect(queue.size).toBe(0);
      expect(await gaps.listOpen('BTCUSDT')).toEqual([expect.objectContaining({ id: gap.id, archiveImportId: fill.id })]);
      importer.start();
      await waitFor(async () => (await gaps.listOpen('BTCUSDT')).length === 0, { what: 'the gap resolved', timeoutMs: 30_000, intervalMs: 200 });
      expect(await storedBetween(missing.first, missing.last)).toBe(missing.last - missing.first + 1);
      expect(await imports.get(fill.id)).toMatchObject({ status: 'done', tradesStored: missing.last - missing.first + 1 });
    } finally {
      await importer.stop();
      await backfill.stop();
      await pipeline.drain(2_000);
      await redis.onApplicationShutdown();
    }
  });

  it('leaves the gap to REST when a day of its import is missing from the archive', async () => {
    const { gap } = await gapBetweenStoredDays();
    emulator.makeArchiveFileMissing('BTCUSDT', '2024-01-04');
    await expect(fills.take(gap)).resolves.toBe(true);
    const fill = await imports.findByGap(gap.id);
    await runImport(fill!.id);
    expect(await imports.get(fill!.id)).toMatchObject({ status: 'done', missingFiles: ['daily/2024-01-04'] });
    await expect(fills.take(gap)).resolves.toBe(false);
    expect(await gaps.listOpen('BTCUSDT')).toEqual([expect.objectContaining({ id: gap.id, archiveImportId: null })]);
  });

  it('counts what is stored before resolving: an import done without a missing file that left ids out leaves the gap to REST', async () => {
    const { gap } = await gapBetweenStoredDays();
    const partial = await imports.createForGap({ symbol: 'BTCUSDT', fromDay: '2024-01-02', toDay: '2024-01-04', files: ['daily/2024-01-02', 'daily/2024-01-03', 'daily/2024-01-04'], gapId: gap.id });
    await runImport(partial!.id);
    await expect(fills.take(gap)).resolves.toBe(false);
    expect((await gaps.listOpen('BTCUSDT')).map((open) => open.id)).toEqual([gap.id]);
  });

  it('postpones a long gap whose last day the archive has not published yet, and leaves short ones to REST', async () => {
    const { gap } = await gapBetweenStoredDays();
    // On 2024-01-07 the trade above the gap (on the 6th) lies on yesterday, published some time today.
    await expect(fills.take(gap, Date.UTC(2024, 0, 7, 12))).resolves.toBe(true);
    await expect(imports.findByGap(gap.id)).resolves.toBeNull();
    expect((await gaps.listOpen('BTCUSDT'))[0]).toMatchObject({ nextAttemptAt: new Date(Date.UTC(2024, 0, 8)), lastError: expect.stringContaining('archive') });
    const { gap: short } = await gaps.record({ symbol: 'BTCUSDT', fromId: 100, toId: 4_000, reason: 'short' });
    await expect(fills.take(short)).resolves.toBe(false);
  });
});
