import type { AggTrade } from '@binance-rates/domain';
import { DatabaseClient } from '../database.client';
import { TradeRepository } from '../trade.repository';
import { clientFor, insert, openTradeHistory, range, storedRange, T0, type TradeHistoryDatabase } from '../trade.fixtures';
import { BLOCK_TRADES, HistoryCompactor } from './history-compactor';
import { TradeBlockPartitions } from './trade-block-partitions';
import { TradeHistoryWriter } from './trade-history.writer';

const HOUR = 3_600_000;

/** `count` trades from id 1, `perHour` of them in each UTC hour from T0 (an hour start), written as runs of 25. */
function spread(count: number, perHour: number, symbol = 'BTCUSDT'): AggTrade[] {
  return range(1, count, { symbol }).map((t) => ({ ...t, tradeTime: T0 + Math.floor((t.tradeId - 1) / perHour) * HOUR + ((t.tradeId - 1) % perHour) }));
}

async function writeRuns(writer: TradeHistoryWriter, trades: readonly AggTrade[]): Promise<void> {
  for (let from = 0; from < trades.length; from += 25) {
    await insert(writer, trades.slice(from, from + 25));
  }
}

async function rowsOf(client: DatabaseClient, table: 'trade_run' | 'trade_block') {
  const { rows } = await client.pool.query<{ first_id: number; last_id: number; first_time: number; last_time: number }>(
    `SELECT first_id::float8, last_id::float8, (extract(epoch FROM first_time) * 1000)::float8 AS first_time,
            (extract(epoch FROM last_time) * 1000)::float8 AS last_time FROM ${table} ORDER BY symbol, first_id`,
  );
  return rows;
}

describe('HistoryCompactor', () => {
  let history: TradeHistoryDatabase;
  let client: DatabaseClient;
  let writer: TradeHistoryWriter;
  let trades: TradeRepository;
  let compactor: HistoryCompactor;

  beforeEach(async () => {
    ({ client, writer, trades } = history = await openTradeHistory());
    compactor = new HistoryCompactor(client, new TradeBlockPartitions(client));
  });

  afterEach(() => history.close());

  it('moves the runs of closed hours into blocks within one UTC hour and of at most BLOCK_TRADES, leaving later runs', async () => {
    const all = spread(3 * 5_000, 5_000);
    await writeRuns(writer, all);
    await expect(compactor.compactBefore(T0 + 2 * HOUR)).resolves.toBe(10_000);

    const blocks = await rowsOf(client, 'trade_block');
    expect(blocks.map((b) => b.last_id - b.first_id + 1)).toEqual([BLOCK_TRADES, 5_000 - BLOCK_TRADES, BLOCK_TRADES, 5_000 - BLOCK_TRADES]);
    for (const block of blocks) {
      expect(Math.floor(block.first_time / HOUR)).toBe(Math.floor(block.last_time / HOUR));
    }
    expect((await rowsOf(client, 'trade_run')).every((run) => run.first_id > 10_000)).toBe(true);
    await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 15_000, minId: 1, maxId: 15_000 });
    await expect(trades.findTrades({ symbol: 'BTCUSDT', limit: 15_000 })).resolves.toEqual(all);
    await expect(compactor.compactBefore(T0 + 2 * HOUR)).resolves.toBe(0);
  });

  it('keeps blocks apart where the ids jump, and lets a late fill of the hole become blocks of its own', async () => {
    const all = spread(400, 1_000);
    await writeRuns(writer, [...all.slice(0, 100), ...all.slice(150)]);
    await compactor.compactBefore(T0 + HOUR);
    expect((await rowsOf(client, 'trade_block')).map((b) => [b.first_id, b.last_id])).toEqual([
      [1, 100],
      [151, 400],
    ]);
    await insert(writer, all.slice(90, 160));
    await compactor.compactBefore(T0 + HOUR);
    expect((await rowsOf(client, 'trade_block')).map((b) => [b.first_id, b.last_id])).toEqual([
      [1, 100],
      [101, 150],
      [151, 400],
    ]);
    await expect(trades.findTrades({ symbol: 'BTCUSDT', limit: 1_000 })).resolves.toEqual(all);
  });

  it('moves each run once when instances compact at the same time', async () => {
    await writeRuns(writer, spread(20_000, 2_000));
    await writeRuns(writer, spread(5_000, 500, 'ETHUSDT'));
    const others = [clientFor(history.db.url), clientFor(history.db.url)];
    try {
      const moved = await Promise.all([compactor, ...others.map((other) => new HistoryCompactor(other, new TradeBlockPartitions(other)))].map((each) => each.compactBefore(T0 + 100 * HOUR)));
      expect(moved.reduce((sum, n) => sum + n, 0)).toBe(25_000);
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
    await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 20_000, minId: 1, maxId: 20_000 });
    await expect(storedRange(client, 'ETHUSDT')).resolves.toEqual({ count: 5_000, minId: 1, maxId: 5_000 });
    expect(await rowsOf(client, 'trade_run')).toEqual([]);
  });

  it('leaves the runs where they were when a step fails, and moves them on the next pass', async () => {
    const all = spread(1_000, 1_000);
    await writeRuns(writer, all);
    class NoPartitions extends TradeBlockPartitions {
      override ensureBetween(): Promise<void> {
        return Promise.resolve();
      }
    }
    // No partition for the month: the COPY of the blocks fails after the runs were deleted in the same transaction.
    await expect(new HistoryCompactor(client, new NoPartitions(client)).compactBefore(T0 + HOUR)).rejects.toThrow(/no partition/);
    expect(await rowsOf(client, 'trade_run')).toHaveLength(40);
    await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 1_000, minId: 1, maxId: 1_000 });

    await expect(compactor.compactBefore(T0 + HOUR)).resolves.toBe(1_000);
    await expect(trades.findTrades({ symbol: 'BTCUSDT', limit: 1_000 })).resolves.toEqual(all);
  });

  it('stops between steps when its signal aborts', async () => {
    await writeRuns(writer, spread(20_000, 20_000));
    const stopping = new AbortController();
    stopping.abort();
    await expect(compactor.compactBefore(T0 + HOUR, stopping.signal)).resolves.toBe(0);
    await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 20_000, minId: 1, maxId: 20_000 });
  });
});
