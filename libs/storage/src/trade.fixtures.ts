import { CandleRollupWriter } from './candles/candle-rollup.writer';
import { type AggTrade, TradeRunBatch } from '@binance-rates/domain';
import { AGG_TRADE_EPOCH, aggTrade, createTestDatabase, testConfig, type TestDatabase } from '@binance-rates/testing';
import { DatabaseClient } from './database.client';
import { HistoryCompactor } from './history/history-compactor';
import { TradeBlockPartitions } from './history/trade-block-partitions';
import { type HistoryForm, TradeHistoryWriter } from './history/trade-history.writer';
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

/** What the write pipeline does with live trades: collect them into runs (ids ascending) and store the batch. */
export async function insert(writer: TradeHistoryWriter, trades: readonly AggTrade[], form: HistoryForm = 'run'): Promise<number> {
  const batch = new TradeRunBatch();
  for (const t of [...trades].sort((a, b) => a.tradeId - b.tradeId)) {
    batch.append(t);
  }
  return writer.store(batch.seal(), form);
}

/** A writer of trade history over `client`, as the service wires it. */
export function historyWriter(client: DatabaseClient): TradeHistoryWriter {
  return new TradeHistoryWriter(client, new TradeBlockPartitions(client), new CandleRollupWriter());
}

/**
 * How many trades of the symbol are stored, in runs and blocks together, and the lowest and highest id. Rows must
 * never overlap (the count would not be exact then): a row starting inside the one before it fails the call.
 */
export async function storedRange(db: DatabaseClient, symbol: string): Promise<{ count: number; minId: number | null; maxId: number | null }> {
  const { rows } = await db.pool.query<{ count: number; min_id: number | null; max_id: number | null; overlaps: number }>(
    `WITH stored AS (
       SELECT first_id, last_id FROM trade_run WHERE symbol = $1 UNION ALL SELECT first_id, last_id FROM trade_block WHERE symbol = $1
     ), ordered AS (SELECT first_id, last_id, lag(last_id) OVER (ORDER BY first_id) AS previous_last FROM stored)
     SELECT coalesce(sum(last_id - first_id + 1), 0)::float8 AS count, min(first_id)::float8 AS min_id, max(last_id)::float8 AS max_id,
            count(*) FILTER (WHERE first_id <= previous_last)::float8 AS overlaps
     FROM ordered`,
    [symbol],
  );
  if (rows[0] !== undefined && rows[0].overlaps > 0) {
    throw new Error(`${rows[0].overlaps} stored rows of ${symbol} overlap the one before them`);
  }
  const [row] = rows;
  if (row === undefined) {
    throw new Error('an aggregate always returns a row');
  }
  return { count: row.count, minId: row.min_id, maxId: row.max_id };
}

export function clientFor(url: string, poolSize = 4): DatabaseClient {
  return new DatabaseClient(testConfig({ database: { url, poolSize } }));
}

/**
 * 20,000 trades a minute apart from the epoch on BTCUSDT and ETHUSDT, written as runs of 25 and compacted into
 * hourly blocks but for the last hour, analyzed, so plans are those of a real history.
 */
export async function seedLongHistory(client: DatabaseClient): Promise<void> {
  const writer = historyWriter(client);
  for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
    for (let from = 1; from <= 20_000; from += 25) {
      await insert(writer, range(from, from + 24, { symbol }).map((t) => ({ ...t, tradeTime: t.tradeId * 60_000 })));
    }
  }
  await new HistoryCompactor(client, new TradeBlockPartitions(client)).compactBefore(20_000 * 60_000 - 3_600_000);
  await client.pool.query('ANALYZE trade_run; ANALYZE trade_block');
}

/** A database of a test's own, with the trade writer and reader over one pool. */
export interface TradeHistoryDatabase {
  db: TestDatabase;
  client: DatabaseClient;
  writer: TradeHistoryWriter;
  trades: TradeRepository;
  close(): Promise<void>;
}

export async function openTradeHistory(): Promise<TradeHistoryDatabase> {
  const db = await createTestDatabase();
  const client = clientFor(db.url);
  return {
    db,
    client,
    writer: historyWriter(client),
    trades: new TradeRepository(client),
    close: async () => {
      await client.close();
      await db.drop();
    },
  };
}
