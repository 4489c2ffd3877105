import { LatestPriceStore, RedisClient } from '@binance-rates/cache';
import { AggTrade, LatestPrice, TradeRunBatch } from '@binance-rates/domain';
import { DatabaseClient, TrackedSymbolRepository, TradeBlockPartitions, TradeHistoryWriter, TradeRepository, CandleRollupWriter } from '@binance-rates/storage';
import {
  TestDatabase,
  aggTrade,
  cleanupRedisPrefix,
  createTestDatabase,
  testConfig,
  testRedisPrefix,
  testRedisUrl,
  waitFor,
} from '@binance-rates/testing';
import { TrackedSymbolsService } from '../tracking/tracked-symbols.service';
import { LatestPriceSeeder } from './latest-price-seeder';
import { LatestPriceView } from './latest-price.view';

/** Its price tells which trade it was. */
function trade(symbol: string, tradeId: number): AggTrade {
  return aggTrade({ symbol, tradeId, price: `${tradeId}.5` });
}

function livePrice(symbol: string, tradeId: number): LatestPrice {
  return { symbol, price: `${tradeId}.5`, tradeId, tradeTime: 1_700_000_000_000 + tradeId, updatedAt: Date.now() };
}

describe('LatestPriceSeeder (real PostgreSQL and Redis)', () => {
  const prefix = testRedisPrefix();
  let database: TestDatabase;
  let db: DatabaseClient;
  let redis: RedisClient;
  let prices: LatestPriceStore;
  let tracked: TrackedSymbolsService;
  let view: LatestPriceView;
  let seeder: LatestPriceSeeder;

  async function store(trades: readonly AggTrade[]): Promise<void> {
    const batch = new TradeRunBatch();
    for (const each of trades) batch.append(each);
    await new TradeHistoryWriter(db, new TradeBlockPartitions(db), new CandleRollupWriter()).store(batch.seal());
  }

  async function latestId(symbol: string): Promise<number | null> {
    return (await prices.getMany([symbol])).get(symbol)?.tradeId ?? null;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = testConfig({ database: { url: database.url, poolSize: 2 }, redis: { keyPrefix: prefix } });
    db = new DatabaseClient(config);
    redis = new RedisClient(config);
    prices = new LatestPriceStore(redis);
    tracked = new TrackedSymbolsService(new TrackedSymbolRepository(db));
    for (const symbol of ['SEEDA', 'SEEDB', 'SEEDC']) await tracked.add(symbol);
    await store([trade('SEEDA', 1), trade('SEEDA', 2), trade('SEEDA', 5), trade('SEEDB', 3)]);
    view = new LatestPriceView(prices, tracked);
    seeder = new LatestPriceSeeder(prices, new TradeRepository(db), tracked, view);
  });

  afterAll(async () => {
    seeder.stop();
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    await redis.onApplicationShutdown();
    await db.close();
    await database.drop();
  });

  it('seeds an empty Redis with each tracked symbol’s newest stored trade, and the price view with it', async () => {
    expect(await seeder.seedIfEmpty()).toBe(true);
    expect(await prices.getMany(['SEEDA', 'SEEDB', 'SEEDC'])).toEqual(
      new Map([
        ['SEEDA', expect.objectContaining({ price: '5.5', tradeId: 5 })],
        ['SEEDB', expect.objectContaining({ price: '3.5', tradeId: 3 })],
      ]),
    );
    expect(view.get('SEEDA')).toMatchObject({ price: '5.5', tradeId: 5 });
    expect(await seeder.seedIfEmpty()).toBe(false);
  });

  it('keeps a newer live price written before the seed', async () => {
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    await prices.setIfNewer([livePrice('SEEDA', 9)]);
    expect(await seeder.seedIfEmpty()).toBe(true);
    expect(await latestId('SEEDA')).toBe(9);
    expect(await latestId('SEEDB')).toBe(3);
  });

  it('once started, seeds Redis again soon after it comes back empty', async () => {
    seeder.start();
    await waitFor(async () => (await latestId('SEEDB')) === 3, { what: 'the first seed', timeoutMs: 5_000 });
    await cleanupRedisPrefix(testRedisUrl(), prefix);
    await waitFor(async () => (await latestId('SEEDA')) === 5 && (await latestId('SEEDB')) === 3, {
      what: 'the prices seeded again after Redis lost them',
      timeoutMs: 5_000,
    });
  });
});
