import type { AggTrade } from '@binance-rates/domain';
import { AGG_TRADE_EPOCH, aggTrade, createTestDatabase, testConfig, type TestDatabase } from '@binance-rates/testing';
import { DatabaseClient } from './database.client';
import { TradeCopyBatch } from './trade-copy-batch';
import { TradeCopyWriter } from './trade-copy.writer';
import { TradeRepository } from './trade.repository';

/** Trades and stored histories for the trade-history integration specs. */

export const T0 = AGG_TRADE_EPOCH;
export const SOME = 200;

export function trade(tradeId: number, overrides: Partial<AggTrade> = {}): AggTrade {
  return aggTrade({ tradeId, ...overrides });
}

export function range(from: number, to: number, overrides: Partial<AggTrade> = {}): AggTrade[] {
  return Array.from({ length: to - from + 1 }, (_, i) => trade(from + i, overrides));
}

/** What the write pipeline does with live trades: encode them as COPY rows (ids ascending) and store the batch. */
export async function insert(writer: TradeCopyWriter, trades: readonly AggTrade[]): Promise<number> {
  const batch = new TradeCopyBatch();
  for (const t of [...trades].sort((a, b) => a.tradeId - b.tradeId)) {
    batch.append(t);
  }
  const { payload, rows } = batch.seal();
  return writer.insertCopyRows(payload, rows);
}

export async function storedRange(db: DatabaseClient, symbol: string): Promise<{ count: number; minId: number | null; maxId: number | null }> {
  const { rows } = await db.pool.query<{ count: number; min_id: number | null; max_id: number | null }>(
    `SELECT count(*)::float8 AS count, min(trade_id)::float8 AS min_id, max(trade_id)::float8 AS max_id
     FROM agg_trade WHERE symbol = $1`,
    [symbol],
  );
  const [row] = rows;
  if (row === undefined) {
    throw new Error('an aggregate always returns a row');
  }
  return { count: row.count, minId: row.min_id, maxId: row.max_id };
}

export function clientFor(url: string, poolSize = 4): DatabaseClient {
  return new DatabaseClient(testConfig({ database: { url, poolSize } }));
}

/** 20,000 trades a second apart from the epoch on BTCUSDT and ETHUSDT, analyzed, so plans are those of a real history. */
export async function seedLongHistory(client: DatabaseClient): Promise<void> {
  for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
    await client.pool.query(
      `INSERT INTO agg_trade (symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time, is_buyer_maker)
       SELECT $1, id, 1, 1, id, id, timestamptz 'epoch' + id * interval '1 second', false FROM generate_series(1, 20000) AS id`,
      [symbol],
    );
  }
  await client.pool.query('ANALYZE agg_trade');
}

/** A database of a test's own, with the trade writer and reader over one pool. */
export interface TradeHistoryDatabase {
  db: TestDatabase;
  client: DatabaseClient;
  writer: TradeCopyWriter;
  trades: TradeRepository;
  close(): Promise<void>;
}

export async function openTradeHistory(): Promise<TradeHistoryDatabase> {
  const db = await createTestDatabase();
  const client = clientFor(db.url);
  return {
    db,
    client,
    writer: new TradeCopyWriter(client),
    trades: new TradeRepository(client),
    close: async () => {
      await client.close();
      await db.drop();
    },
  };
}
