import { aggTrade, createTestDatabase, testConfig, tradeRunOf, type TestDatabase } from '@binance-rates/testing';
import { DatabaseClient } from '../database.client';
import { CandleRollupRepository } from './candle-rollup.repository';
import { CandleRollupWriter } from './candle-rollup.writer';

const DAY = 86_400_000;

describe('CandleRollupRepository', () => {
  let db: TestDatabase;
  let client: DatabaseClient;
  let rollups: CandleRollupRepository;
  const T = Date.UTC(2025, 3, 1);

  beforeEach(async () => {
    db = await createTestDatabase();
    client = new DatabaseClient(testConfig({ database: { url: db.url, poolSize: 4 } }));
    rollups = new CandleRollupRepository(client);
    const trades = Array.from({ length: 30 }, (_, i) => aggTrade({ tradeId: i + 1, tradeTime: T + i * DAY + 1_000, price: '2.00000000', quantity: '1.00000000' }));
    await client.transaction((tx) => new CandleRollupWriter().add(tx, [tradeRunOf(trades)]));
  });

  afterEach(async () => {
    await client.close();
    await db.drop();
  });

  const count = async (table: string) => (await client.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  it('rolls every level up once per round in the cluster: a second instance skips while the first holds the job', async () => {
    const holder = await client.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [0x63616e646c]);
      await expect(rollups.rollUp()).resolves.toBeNull();
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
    }
    await expect(rollups.rollUp()).resolves.toEqual({ written: { candle_15m: 30, candle_1h: 30, candle_1d: 30 }, lateDays: 30 });
    expect(await count('candle_rollup_pending')).toBe(0);
  });

  it('deletes candles that opened before the retention line, a bounded chunk per symbol and level at a time', async () => {
    await rollups.rollUp();
    expect(await rollups.deleteOpenedBefore(T + 10 * DAY, 4)).toBe(16);
    expect(await rollups.deleteOpenedBefore(T + 10 * DAY, 4)).toBe(16);
    expect(await rollups.deleteOpenedBefore(T + 10 * DAY, 4)).toBe(8);
    expect(await rollups.deleteOpenedBefore(T + 10 * DAY, 4)).toBe(0);
    for (const table of ['candle_1m', 'candle_15m', 'candle_1h', 'candle_1d']) {
      expect({ table, left: await count(table) }).toEqual({ table, left: 20 });
    }
  });
});
