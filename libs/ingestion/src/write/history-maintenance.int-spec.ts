import { TradeRunBatch, type AggTrade } from '@binance-rates/domain';
import {
  DatabaseClient,
  HistoryCompactor,
  LegacyHistoryConverter,
  TradeBlockPartitions,
  TradeHistoryWriter,
  TradeRepository,
  CandleRollupWriter,
} from '@binance-rates/storage';
import { aggTrade, createTestDatabase, testConfig, type TestDatabase } from '@binance-rates/testing';
import { HistoryMaintenance } from './history-maintenance.service';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 5, 12, 30);

describe('HistoryMaintenance (real PostgreSQL)', () => {
  let database: TestDatabase;
  let db: DatabaseClient;
  let writer: TradeHistoryWriter;
  let partitions: TradeBlockPartitions;

  beforeEach(async () => {
    database = await createTestDatabase();
    db = new DatabaseClient(testConfig({ database: { url: database.url, poolSize: 4 } }));
    partitions = new TradeBlockPartitions(db);
    writer = new TradeHistoryWriter(db, partitions, new CandleRollupWriter());
  });

  afterEach(async () => {
    await db.close();
    await database.drop();
  });

  function maintenance(retention: string | null, compactAfterMs = 15 * 60_000): HistoryMaintenance {
    const config = testConfig({ history: { compactAfterMs, retentionMs: retention === null ? null : Number(retention) } });
    return new HistoryMaintenance(config, new LegacyHistoryConverter(db, writer), new HistoryCompactor(db, partitions), partitions);
  }

  async function store(trades: readonly AggTrade[], form: 'run' | 'block' = 'run'): Promise<void> {
    const batch = new TradeRunBatch();
    trades.forEach((trade) => batch.append(trade));
    await writer.store(batch.seal(), form);
  }

  const at = (tradeId: number, tradeTime: number) => aggTrade({ tradeId, tradeTime });

  it('converts the old rows, compacts runs of whole hours older than HISTORY_COMPACT_AFTER_MS, and keeps everything by default', async () => {
    await db.pool.query(
      `INSERT INTO agg_trade (symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time, is_buyer_maker)
       VALUES ('BTCUSDT', 1, 1.5, 2, 10, 10, $1, true)`,
      [new Date(NOW - 400 * DAY)],
    );
    // Each in a batch of its own, as the live pipeline writes them over time.
    for (const trade of [at(2, NOW - 2 * 3_600_000), at(3, NOW - 40 * 60_000), at(4, NOW - 20 * 60_000), at(5, NOW - 60_000)]) {
      await store([trade]);
    }
    await maintenance(null).runOnce(NOW);

    const { rows } = await db.pool.query<{ kind: string; first_id: string; last_id: string }>(
      `SELECT 'block' AS kind, first_id, last_id FROM trade_block UNION ALL SELECT 'run', first_id, last_id FROM trade_run ORDER BY first_id`,
    );
    // Cut at 12:00 (12:30 less 15 minutes, down to the hour): trade 3 (11:50) goes, trade 4 (12:10) waits for 13:15.
    expect(rows).toEqual([
      { kind: 'block', first_id: '1', last_id: '1' },
      { kind: 'block', first_id: '2', last_id: '2' },
      { kind: 'block', first_id: '3', last_id: '3' },
      { kind: 'run', first_id: '4', last_id: '4' },
      { kind: 'run', first_id: '5', last_id: '5' },
    ]);
    const trades = await new TradeRepository(db).findTrades({ symbol: 'BTCUSDT', limit: 10 });
    expect(trades.map((trade) => trade.tradeId)).toEqual([1, 2, 3, 4, 5]);
    expect(trades[0]).toMatchObject({ price: '1.5', quantity: '2', isBuyerMaker: true });
  });

  it('drops whole month partitions that end before HISTORY_RETENTION, and no others', async () => {
    for (const trade of [at(1, Date.UTC(2026, 7, 20)), at(2, Date.UTC(2026, 8, 30)), at(3, Date.UTC(2026, 9, 2))]) {
      await store([trade], 'block');
    }
    await maintenance(String(60 * DAY)).runOnce(NOW);
    // 60 days before 5 December is 6 October: September ended before it, October did not.
    expect((await partitions.list()).map((partition) => partition.name)).toEqual(['trade_block_y2026m10']);
    const trades = await new TradeRepository(db).findTrades({ symbol: 'BTCUSDT', limit: 10 });
    expect(trades.map((trade) => trade.tradeId)).toEqual([3]);
  });
});
