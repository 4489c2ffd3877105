import { Client } from 'pg';
import { AppConfig } from '@binance-rates/config';
import { LatestPriceStore, RedisClient } from '@binance-rates/cache';
import { AggTrade, settlesWithin } from '@binance-rates/domain';
import { DatabaseClient, TrackedSymbolRepository, TradeBlockPartitions, TradeGapRepository, TradeHistoryWriter, CandleRollupWriter } from '@binance-rates/storage';
import {
  TcpProxy,
  TestDatabase,
  aggTrade,
  cleanupRedisPrefix,
  createTestDatabase,
  testConfig,
  testRedisPrefix,
  testRedisUrl,
  waitFor,
  STORED_TRADE_IDS,
} from '@binance-rates/testing';
import { BackfillJob } from '../gaps/backfill-job';
import { BackfillQueue } from '../gaps/backfill-queue';
import { GapLedger } from '../gaps/gap-ledger.service';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { LatestPriceView } from './latest-price.view';
import { WritePipeline } from './write-pipeline.service';

/** Test deadlines: a silent call is given up after a second instead of the default 15 s. */
const CALL_TIMEOUT_MS = 1_000;
/** Generous against CALL_TIMEOUT_MS: a behaviour check, not a speed target. */
const WRITING_AGAIN_WITHIN_MS = 10_000;

class RecordingQueue extends BackfillQueue {
  readonly pushed: BackfillJob[] = [];

  override push(job: BackfillJob): void {
    this.pushed.push(job);
  }
}

function trade(symbol: string, tradeId: number): AggTrade {
  return aggTrade({ symbol, tradeId, price: `${tradeId}.5` });
}

function ids(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

/**
 * Every PostgreSQL connection open at one moment goes silent (a failover, a NAT or firewall dropping its state): no
 * reset, nothing delivered, while new connections work. Writing must resume on fresh connections by itself.
 */
describe('WritePipeline when every open PostgreSQL connection goes silent', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let direct: Client;
  let redis: RedisClient;
  let prices: LatestPriceStore;
  let config: AppConfig;
  let db: DatabaseClient;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    database = await createTestDatabase();
    direct = new Client({ connectionString: database.url });
    await direct.connect();
    const proxied = await TcpProxy.inFrontOf(database.url);
    proxy = proxied.proxy;
    config = testConfig({
      database: { url: proxied.url, poolSize: 6, connectTimeoutMs: 1_000, statementTimeoutMs: 500, callTimeoutMs: CALL_TIMEOUT_MS },
      redis: { keyPrefix: prefix },
      ingest: { flushIntervalMs: 10, historyBatchSize: 200, historyWriters: 2, maxPendingTrades: 10_000, backfillWindowMs: 60_000 },
    });
    redis = new RedisClient(config);
    prices = new LatestPriceStore(redis);
  });

  beforeEach(async () => {
    db = new DatabaseClient(config);
    // Several connections open and idle in the pool when the silence comes, as in a running service.
    await Promise.all(Array.from({ length: 4 }, () => db.pool.query('SELECT pg_sleep(0.05)')));
  });

  afterEach(async () => {
    // Connections still stuck on a silent socket (without the fix) would hold the pool's end forever.
    await Promise.race([db.close(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  });

  afterAll(async () => {
    await proxy.stop();
    await direct.end();
    await database.drop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    await redis.onApplicationShutdown();
  });

  function newPipeline(ledger: GapLedger): WritePipeline {
    const view = new LatestPriceView(prices, { list: () => [] } as unknown as TrackedSymbolsService);
    return new WritePipeline(config, prices, new TradeHistoryWriter(db, new TradeBlockPartitions(db), new CandleRollupWriter()), view, ledger, new RecordingQueue(ledger));
  }

  function newLedger(): GapLedger {
    return new GapLedger(new TradeGapRepository(db), new TrackedSymbolRepository(db));
  }

  /** Read past the proxy: the check must not depend on the connections under test. */
  async function storedIds(symbol: string): Promise<number[]> {
    const { rows } = await direct.query(`SELECT trade_id FROM ${STORED_TRADE_IDS} AS stored WHERE symbol = $1 ORDER BY trade_id`, [symbol]);
    return rows.map((row: { trade_id: string }) => Number(row.trade_id));
  }

  async function expectStored(symbol: string, expected: number[]): Promise<void> {
    let stored: number[] = [];
    await waitFor(
      async () => {
        stored = await storedIds(symbol);
        return stored.length === expected.length;
      },
      { what: `${expected.length} trades of ${symbol} stored`, timeoutMs: WRITING_AGAIN_WITHIN_MS, intervalMs: 50 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; stored ${stored.length}`);
    });
    expect(stored).toEqual(expected);
  }

  it('writes again on fresh connections, storing every trade once, and is healthy again', async () => {
    const pipeline = newPipeline(newLedger());
    try {
      for (let id = 1; id <= 1_000; id += 1) pipeline.accept(trade('SILENTA', id));
      expect(await pipeline.drain()).toBe(true);
      // Batches on their way when the connections go silent, and more accepted after.
      for (let id = 1_001; id <= 2_000; id += 1) pipeline.accept(trade('SILENTA', id));
      expect(proxy.silence()).toBeGreaterThan(0);
      for (let id = 2_001; id <= 3_000; id += 1) pipeline.accept(trade('SILENTA', id));

      await expectStored('SILENTA', ids(1, 3_000));
      await waitFor(() => pipeline.stats().historyHealthy && pipeline.stats().pendingTrades === 0, {
        what: 'the history healthy with nothing pending',
        timeoutMs: WRITING_AGAIN_WITHIN_MS,
      });
      expect(await pipeline.drain()).toBe(true);
    } finally {
      pipeline.stop();
    }
  });

  it('does not hold history forever behind a found range whose recording went silent, and records the next one', async () => {
    const ledger = newLedger();
    const pipeline = newPipeline(ledger);
    try {
      for (let id = 1; id <= 10; id += 1) pipeline.accept(trade('SILENTB', id));
      expect(await pipeline.drain()).toBe(true);
      proxy.silence();
      // History batches wait at the ledger's gate while this range is being recorded.
      const recorded = ledger.recordFound({ symbol: 'SILENTB', fromId: 11, toId: 20, reason: 'test' });
      for (let id = 21; id <= 400; id += 1) pipeline.accept(trade('SILENTB', id));

      await expectStored('SILENTB', [...ids(1, 10), ...ids(21, 400)]);
      expect(await settlesWithin(recorded, WRITING_AGAIN_WITHIN_MS)).toBe(true);
      await expect(ledger.recordFound({ symbol: 'SILENTB', fromId: 500, toId: 510, reason: 'test' })).resolves.toEqual(expect.any(Number));
    } finally {
      pipeline.stop();
    }
  });
});
