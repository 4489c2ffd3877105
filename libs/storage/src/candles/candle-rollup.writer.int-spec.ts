import type { AggTrade } from '@binance-rates/domain';
import { aggTrade, createTestDatabase, testConfig, tradeRunOf, type TestDatabase } from '@binance-rates/testing';
import { DatabaseClient } from '../database.client';
import { CandleRollupWriter } from './candle-rollup.writer';

const MINUTE = 60_000;

describe('CandleRollupWriter', () => {
  let db: TestDatabase;
  let client: DatabaseClient;
  const writer = new CandleRollupWriter();
  const T = Date.UTC(2026, 10, 20, 10, 0);

  beforeEach(async () => {
    db = await createTestDatabase();
    client = new DatabaseClient(testConfig({ database: { url: db.url, poolSize: 4 } }));
  });

  afterEach(async () => {
    await client.close();
    await db.drop();
  });

  const trade = (tradeId: number, tradeTime: number, price: string, quantity: string, fields: Partial<AggTrade> = {}) =>
    aggTrade({ tradeId, tradeTime, price, quantity, ...fields });

  const stored = async () =>
    (
      await client.pool.query(
        `SELECT symbol, (extract(epoch FROM open_time) * 1000)::float8 AS open_time, open::text, high::text, low::text, close::text,
                trim_scale(volume)::text AS volume, trim_scale(quote_volume)::text AS quote_volume,
                trim_scale(taker_buy_volume)::text AS taker_buy_volume, trim_scale(taker_buy_quote_volume)::text AS taker_buy_quote_volume,
                trades::float8, agg_trades::float8, first_agg_id::float8, last_agg_id::float8
         FROM candle_1m ORDER BY symbol COLLATE "C", open_time`,
      )
    ).rows;

  const add = (...runs: AggTrade[][]) => client.transaction((tx) => writer.add(tx, runs.map(tradeRunOf)));

  it('merges batches into the same minutes exactly, whichever batch holds the open, the close or the extremes', async () => {
    const trades = [
      trade(1, T, '10.50000000', '2.00000000', { isBuyerMaker: false, firstTradeId: 1, lastTradeId: 3 }),
      trade(2, T + 30_000, '11.00000000', '1.00000000', { isBuyerMaker: true, firstTradeId: 4, lastTradeId: 4 }),
      trade(3, T + 59_999, '9.75000000', '4.00000000', { isBuyerMaker: false, firstTradeId: 5, lastTradeId: 6 }),
      trade(4, T + MINUTE, '12.25000000', '0.10000000', { isBuyerMaker: true, firstTradeId: 7, lastTradeId: 7 }),
    ];
    const eth = [trade(9, T + 5, '99.00000000', '1.00000000', { symbol: 'ETHUSDT', isBuyerMaker: false, firstTradeId: 90, lastTradeId: 99 })];
    // Later ids first: the batch holding the open arrives after the one holding the close.
    await add(trades.slice(1, 3), eth);
    await add(trades.slice(0, 1));
    await add(trades.slice(3));
    expect(await stored()).toEqual([
      {
        symbol: 'BTCUSDT', open_time: T, open: '10.50000000', high: '11.00000000', low: '9.75000000', close: '9.75000000',
        volume: '7', quote_volume: '71', taker_buy_volume: '6', taker_buy_quote_volume: '60', trades: 6, agg_trades: 3, first_agg_id: 1, last_agg_id: 3,
      },
      {
        symbol: 'BTCUSDT', open_time: T + MINUTE, open: '12.25000000', high: '12.25000000', low: '12.25000000', close: '12.25000000',
        volume: '0.1', quote_volume: '1.225', taker_buy_volume: '0', taker_buy_quote_volume: '0', trades: 1, agg_trades: 1, first_agg_id: 4, last_agg_id: 4,
      },
      {
        symbol: 'ETHUSDT', open_time: T, open: '99.00000000', high: '99.00000000', low: '99.00000000', close: '99.00000000',
        volume: '1', quote_volume: '99', taker_buy_volume: '1', taker_buy_quote_volume: '99', trades: 10, agg_trades: 1, first_agg_id: 9, last_agg_id: 9,
      },
    ]);
  });

  it('keeps nothing when the transaction that stores the trades rolls back', async () => {
    await expect(
      client.transaction(async (tx) => {
        await writer.add(tx, [tradeRunOf([trade(1, T, '1.00000000', '1.00000000')])]);
        throw new Error('the history write failed');
      }),
    ).rejects.toThrow('the history write failed');
    expect(await stored()).toEqual([]);
  });

  it('marks the day of a minute written late for the rollup job, and only that', async () => {
    const now = Date.now();
    await add([trade(1, now - 5_000, '1.00000000', '1.00000000')]);
    await add([trade(5, T, '1.00000000', '1.00000000'), trade(6, T + 1, '1.00000000', '1.00000000')], [trade(7, T + 86_400_000, '2.00000000', '1.00000000', { symbol: 'ETHUSDT' })]);
    const { rows } = await client.pool.query(`SELECT symbol, (extract(epoch FROM day) * 1000)::float8 AS day FROM candle_rollup_pending ORDER BY symbol`);
    expect(rows).toEqual([
      { symbol: 'BTCUSDT', day: Date.UTC(2026, 10, 20) },
      { symbol: 'ETHUSDT', day: Date.UTC(2026, 10, 21) },
    ]);
  });
});
