import { archiveFileKey, BinanceArchiveClient, dailyFile, parseDay } from '@binance-rates/binance';
import { LatestPriceStore, RedisClient } from '@binance-rates/cache';
import type { AppConfig } from '@binance-rates/config';
import type { TradeRun } from '@binance-rates/domain';
import { type BinanceEmulator, startEmulator } from '@binance-rates/emulator';
import {
  ArchiveImportRepository,
  CandleRollupWriter,
  DatabaseClient,
  type HistoryForm,
  TrackedSymbolRepository,
  TradeBlockPartitions,
  TradeGapRepository,
  TradeHistoryWriter,
} from '@binance-rates/storage';
import {
  aggTrade,
  cleanupRedisPrefix,
  createTestDatabase,
  sleep,
  STORED_TRADE_IDS,
  testConfig,
  type TestDatabase,
  testRedisPrefix,
  testRedisUrl,
  waitFor,
} from '@binance-rates/testing';
import { BackfillQueue } from '../gaps/backfill-queue';
import { GapLedger } from '../gaps/gap-ledger.service';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { LatestPriceView } from '../write/latest-price.view';
import { WritePipeline } from '../write/write-pipeline.service';
import { ArchiveImportRunner } from './archive-import.runner';

const PER_DAY = 3_000;

/** The one history writer, whose live writes (runs) wait until `release()`: PostgreSQL behind on the live path. */
class GatedHistoryWriter extends TradeHistoryWriter {
  /** The live backlog at each import write (blocks), as the writer was called. */
  readonly backlogAtImportWrites: number[] = [];
  backlog: () => number = () => 0;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  release(): void {
    this.open();
  }

  override async store(runs: readonly TradeRun[], form: HistoryForm = 'run'): Promise<number> {
    if (form === 'run') {
      await this.gate;
    } else {
      this.backlogAtImportWrites.push(this.backlog());
    }
    return super.store(runs, form);
  }
}

describe('an import yields to the live path (emulator archive, real PostgreSQL and Redis)', () => {
  let emulator: BinanceEmulator;
  let database: TestDatabase;
  let db: DatabaseClient;
  let redis: RedisClient;
  let config: AppConfig;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    emulator = await startEmulator({
      tradesPerSecondPerSymbol: 0,
      archiveTradesPerDay: PER_DAY,
      symbols: [{ symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', startPrice: '43000.00', listedSince: '2024-01-01' }],
    });
    database = await createTestDatabase();
    // The import waits while the live path holds more than 2 × 500 × 2 = 2,000 trades.
    config = testConfig({
      database: { url: database.url, poolSize: 6 },
      redis: { keyPrefix: prefix },
      ingest: { flushIntervalMs: 10, historyBatchSize: 500, historyWriters: 2, maxPendingTrades: 100_000 },
    });
    db = new DatabaseClient(config);
    redis = new RedisClient(config);
  });

  afterAll(async () => {
    await db.close();
    await database.drop();
    await emulator.close();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    await redis.onApplicationShutdown();
  });

  async function storedIds(symbol: string): Promise<number> {
    const { rows } = await db.query<{ count: number }>(`SELECT count(DISTINCT trade_id)::float8 AS count FROM ${STORED_TRADE_IDS} AS s WHERE symbol = $1`, [symbol]);
    return rows[0]?.count ?? 0;
  }

  it('stores nothing while the live backlog is high, then imports while live trades keep being stored, none shed', async () => {
    const writer = new GatedHistoryWriter(db, new TradeBlockPartitions(db), new CandleRollupWriter());
    const prices = new LatestPriceStore(redis);
    const ledger = new GapLedger(new TradeGapRepository(db), new TrackedSymbolRepository(db));
    const pipeline = new WritePipeline(config, prices, writer, new LatestPriceView(prices, { list: () => [] } as unknown as TrackedSymbolsService), ledger, new BackfillQueue(ledger));
    writer.backlog = () => pipeline.stats().pendingTrades;
    const imports = new ArchiveImportRepository(db);
    const archive = new BinanceArchiveClient({ baseUrl: emulator.dataBaseUrl, retryDelayMs: 10 });
    const runner = new ArchiveImportRunner(config, imports, writer, archive, pipeline);
    let liveId = 0;
    const live = (count: number) => {
      for (let i = 0; i < count; i += 1) pipeline.accept(aggTrade({ symbol: 'ETHUSDT', tradeId: (liveId += 1), tradeTime: Date.now() }));
    };
    let flowing: NodeJS.Timeout | undefined;
    try {
      live(6_000);
      const days = ['2024-01-01', '2024-01-02'].map((day) => archiveFileKey(dailyFile('BTCUSDT', parseDay(day) as number)));
      const job = await imports.create({ symbol: 'BTCUSDT', fromDay: '2024-01-01', toDay: '2024-01-02', files: days });
      runner.start();
      await waitFor(async () => (await imports.get(job.id))?.status === 'running', { what: 'the import claimed', timeoutMs: 5_000, intervalMs: 20 });
      // Its first file is downloaded and read well within this; it waits for the live path.
      await sleep(1_500);
      expect(writer.backlogAtImportWrites).toEqual([]);
      expect(await imports.get(job.id)).toMatchObject({ status: 'running', tradesStored: 0 });

      writer.release();
      // 5,000 live trades a second while the import runs.
      flowing = setInterval(() => live(50), 10);
      await waitFor(async () => (await imports.get(job.id))?.status === 'done', { what: 'the import done', timeoutMs: 20_000, intervalMs: 50 });
      clearInterval(flowing);
      expect(await pipeline.drain(10_000)).toBe(true);

      expect(await storedIds('BTCUSDT')).toBe(2 * PER_DAY);
      expect(await storedIds('ETHUSDT')).toBe(liveId);
      expect(liveId).toBeGreaterThan(6_000);
      expect(pipeline.stats().shedTrades).toBe(0);
      expect(writer.backlogAtImportWrites.length).toBeGreaterThan(0);
      expect(Math.max(...writer.backlogAtImportWrites)).toBeLessThanOrEqual(2_000);
    } finally {
      clearInterval(flowing);
      writer.release();
      await runner.stop();
      await pipeline.drain(2_000);
    }
  });
  it('stores nothing while the event loop runs late (the cores busy), then imports once it keeps time', async () => {
    const writer = new GatedHistoryWriter(db, new TradeBlockPartitions(db), new CandleRollupWriter());
    writer.release();
    const prices = new LatestPriceStore(redis);
    const ledger = new GapLedger(new TradeGapRepository(db), new TrackedSymbolRepository(db));
    const pipeline = new WritePipeline(config, prices, writer, new LatestPriceView(prices, { list: () => [] } as unknown as TrackedSymbolsService), ledger, new BackfillQueue(ledger));
    const imports = new ArchiveImportRepository(db);
    const archive = new BinanceArchiveClient({ baseUrl: emulator.dataBaseUrl, retryDelayMs: 10 });
    const runner = new ArchiveImportRunner(config, imports, writer, archive, pipeline);
    // Holds the loop 15 ms in every 20: every timer runs at least 10 ms late, far above LIVE_LAG_LIMIT_MS.
    const holding = setInterval(() => {
      const until = performance.now() + 15;
      while (performance.now() < until) {
        // busy, as when another process has the core
      }
    }, 5);
    let held = true;
    try {
      const day = archiveFileKey(dailyFile('BTCUSDT', parseDay('2024-01-05') as number));
      const job = await imports.create({ symbol: 'BTCUSDT', fromDay: '2024-01-05', toDay: '2024-01-05', files: [day] });
      runner.start();
      await waitFor(async () => (await imports.get(job.id))?.status === 'running', { what: 'the import claimed', timeoutMs: 5_000, intervalMs: 20 });
      await sleep(1_500);
      expect(writer.backlogAtImportWrites).toEqual([]);

      clearInterval(holding);
      held = false;
      await waitFor(async () => (await imports.get(job.id))?.status === 'done', { what: 'the import done', timeoutMs: 20_000, intervalMs: 50 });
      expect(writer.backlogAtImportWrites.length).toBeGreaterThan(0);
    } finally {
      if (held) clearInterval(holding);
      await runner.stop();
      await pipeline.drain(2_000);
    }
  });
});
