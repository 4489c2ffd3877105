import type { TestDatabase } from '@binance-rates/testing';
import { DatabaseClient } from '../database.client';
import { TradeRepository } from '../trade.repository';
import { clientFor, historyWriter, insert, openTradeHistory, range, SOME, storedRange, T0, trade, type TradeHistoryDatabase } from '../trade.fixtures';
import { HistoryCompactor } from './history-compactor';
import { TradeBlockPartitions } from './trade-block-partitions';
import { TradeHistoryWriter } from './trade-history.writer';

describe('TradeHistoryWriter', () => {
  let db: TestDatabase;
  let client: DatabaseClient;
  let writer: TradeHistoryWriter;
  let trades: TradeRepository;

  let history: TradeHistoryDatabase;

  beforeEach(async () => {
    ({ db, client, writer, trades } = history = await openTradeHistory());
  });

  afterEach(() => history.close());

  describe('store', () => {
    it.each([
      ['a small batch', 10],
      ['a large batch', 1_500],
    ])('stores %s once even when replayed', async (_label, size) => {
      const batch = range(1, size);
      await expect(insert(writer, batch)).resolves.toBe(size);
      await expect(insert(writer, batch)).resolves.toBe(0);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: size, minId: 1, maxId: size });
    });

    it.each([
      ['small', 5],
      ['large', 1_210],
    ])('skips duplicates inside one %s batch', async (_label, size) => {
      const batch = [...range(1, size), trade(3), trade(1, { price: '1.00000000' }), trade(size)];
      await expect(insert(writer, batch)).resolves.toBe(size);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: size, minId: 1, maxId: size });
    });

    it('returns 0 for an empty batch', async () => {
      await expect(insert(writer, [])).resolves.toBe(0);
    });

    /** Runs the writes two writers on separate pools race with; returns how many trades they stored in all. */
    async function raceFromTwoPools(writes: (mine: TradeHistoryWriter, theirs: TradeHistoryWriter) => Promise<number>[]): Promise<number> {
      const other = clientFor(db.url);
      try {
        return (await Promise.all(writes(writer, historyWriter(other)))).reduce((sum, n) => sum + n, 0);
      } finally {
        await other.close();
      }
    }

    it('stores overlapping batches raced from two pools exactly once', async () => {
      const inserted = await raceFromTwoPools((mine, theirs) =>
        // Overlapping windows, large and small (given in opposite orders; `insert` sorts them as the pipeline does).
        [0, 1, 2, 3, 4, 5].flatMap((i) => [
          insert(mine, range(i * 1500 + 1, i * 1500 + 3000)),
          insert(theirs, range(i * 1500 + 1, i * 1500 + 3000).reverse()),
          insert(theirs, range(i * 1500 + 100, i * 1500 + 200)),
        ]),
      );
      const stored = await storedRange(client, 'BTCUSDT');
      expect(stored).toEqual({ count: 10_500, minId: 1, maxId: 10_500 });
      expect(inserted).toBe(10_500);
    });

    it.each([
      ['a batch', 700],
      ['a large batch', 1_500],
    ])('trims %s that holds trades already stored, keeping the stored ones and adding the rest', async (_label, size) => {
      await insert(writer, range(400, 600, { price: '1.00000000' }));

      await expect(insert(writer, range(1, size))).resolves.toBe(size - 201);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: size, minId: 1, maxId: size });
      const [stored] = await trades.findTrades({ symbol: 'BTCUSDT', fromId: 400, limit: 1 });
      expect(stored!.price).toBe('1.00000000');
    });

    it('writes through one connection, new trades and overlaps alike', async () => {
      const single = clientFor(db.url, 1);
      const repository = historyWriter(single);
      try {
        await expect(insert(repository, range(1, 5))).resolves.toBe(5);
        await expect(insert(repository, range(1, 60_000))).resolves.toBe(59_995);
        await expect(insert(repository, range(60_001, 62_000))).resolves.toBe(2_000);
        await expect(insert(repository, range(61_001, 64_000))).resolves.toBe(2_000);
        await expect(insert(repository, range(63_901, 64_200))).resolves.toBe(200);
        await expect(storedRange(single, 'BTCUSDT')).resolves.toEqual({ count: 64_200, minId: 1, maxId: 64_200 });
      } finally {
        await single.close();
      }
    });

    it('stores the first of duplicates inside one unordered, interleaved large batch', async () => {
      const btc = range(1, SOME);
      const eth = range(1, SOME, { symbol: 'ETHUSDT' });
      const batch = btc.flatMap((t, i) => [t, eth[i]!]).reverse();
      batch.push(trade(7, { price: '9.00000000' }), trade(7, { symbol: 'ETHUSDT', price: '8.00000000' }));
      batch.unshift(trade(5, { quantity: '2.00000000' }));

      await expect(insert(writer, batch)).resolves.toBe(2 * SOME);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: SOME, minId: 1, maxId: SOME });
      await expect(storedRange(client, 'ETHUSDT')).resolves.toEqual({ count: SOME, minId: 1, maxId: SOME });
      const btcStored = await trades.findTrades({ symbol: 'BTCUSDT', fromId: 5, limit: 3 });
      expect(btcStored.map((t) => [t.tradeId, t.price, t.quantity])).toEqual([
        [5, '37000.12000000', '2.00000000'],
        [6, '37000.12000000', '0.50000000'],
        [7, '37000.12000000', '0.50000000'],
      ]);
    });

    it('stores overlapping multi-symbol batches raced from two pools exactly once, in any order', async () => {
      const symbols = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', '1000SATSUSDT'];
      const interleaved = (from: number, to: number) =>
        range(from, to).flatMap((t) => symbols.map((symbol) => ({ ...t, symbol })));
      const inserted = await raceFromTwoPools((mine, theirs) =>
        [0, 1, 2, 3, 4].flatMap((i) => [
          insert(mine, interleaved(i * 500 + 1, i * 500 + 1000)),
          insert(theirs, interleaved(i * 500 + 1, i * 500 + 1000).reverse()),
          insert(theirs, interleaved(i * 500 + 250, i * 500 + 750)),
        ]),
      );
      expect(inserted).toBe(symbols.length * 3_000);
      for (const symbol of symbols) {
        await expect(storedRange(client, symbol)).resolves.toEqual({ count: 3_000, minId: 1, maxId: 3_000 });
      }
    });

    it('round-trips prices and quantities exactly, as Binance printed them', async () => {
      const values = ['0.00000001', '37000.12000000', '12345678.12345678', '0', '0.00', '1000', '92233720368.00000000', '0.1'];
      await insert(writer, values.map((value, i) => trade(i + 1, { price: value, quantity: value })));

      const stored = await trades.findTrades({ symbol: 'BTCUSDT', limit: 100 });
      expect(stored.map((t) => t.price)).toEqual(values);
      expect(stored.map((t) => t.quantity)).toEqual(values);
    });

    it('round-trips every field', async () => {
      const batch = range(1, SOME, { price: '12345678.12345678', quantity: '0.00000001' });
      await insert(writer, batch);
      await expect(trades.findTrades({ symbol: 'BTCUSDT', limit: SOME })).resolves.toEqual(batch);
    });

    it('round-trips trade times with any millisecond, before 1970 too', async () => {
      const times = [T0, T0 + 1, T0 + 9, T0 + 10, T0 + 99, T0 + 100, T0 + 999, T0 + 1_000, 0, -1, -999, -1_000, -1_001];
      const batch = range(1, SOME).map((t, i) => ({ ...t, tradeTime: times[i % times.length]! + i * 1_001 }));
      await insert(writer, batch);
      await expect(trades.findTrades({ symbol: 'BTCUSDT', limit: SOME })).resolves.toEqual(batch);
    });

    it.each([
      ['a trade time that is not whole milliseconds', { tradeTime: T0 + 0.5 }, /whole milliseconds|safe integer|time/],
      ['a price that is not a plain decimal', { price: '1e-8' }, /BTCUSDT#8/],
      ['a price with more digits than it can hold exactly', { price: '98765432109876543210.123456789' }, /BTCUSDT#8/],
      ['text that is not a number at all', { price: '1\t2' }, /BTCUSDT#8/],
    ])('refuses %s before anything is written', async (_label, fields, message) => {
      const batch = range(1, SOME);
      batch[7] = trade(8, fields);
      await expect(insert(writer, batch)).rejects.toThrow(message);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 0, minId: null, maxId: null });
    });

    it('checks trades at or below the watermark against blocks as well as runs', async () => {
      await insert(writer, range(1, 1_000), 'block');
      await insert(writer, range(2_001, 3_000));
      await expect(insert(writer, range(500, 2_500))).resolves.toBe(1_000);
      await expect(insert(writer, range(1, 3_000), 'block')).resolves.toBe(0);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 3_000, minId: 1, maxId: 3_000 });
      const ids = (await trades.findTrades({ symbol: 'BTCUSDT', limit: 1_000, fromId: 990 })).map((t) => t.tradeId);
      expect(ids).toEqual(Array.from({ length: 1_000 }, (_, i) => 990 + i));
    });

    it('stores each trade once while the compactor moves the same ids from runs into blocks', async () => {
      const other = clientFor(db.url);
      const compactor = new HistoryCompactor(other, new TradeBlockPartitions(other));
      try {
        // Trades an hour apart per 100 ids, all long closed, so every compaction pass has whole hours to move.
        const hourly = (from: number, to: number) => range(from, to).map((t) => ({ ...t, tradeTime: T0 + Math.floor(t.tradeId / 100) * 3_600_000 }));
        await insert(writer, hourly(1, 2_000));
        const writes = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => insert(writer, hourly(i * 400 + 1, i * 400 + 1_200)));
        const compactions = [0, 1, 2].map(() => compactor.compactBefore(T0 + 1_000 * 3_600_000));
        const [stored] = await Promise.all([Promise.all(writes), Promise.all(compactions)]);
        expect(stored.reduce((sum, n) => sum + n, 0)).toBe(4_000 - 2_000);
        await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 4_000, minId: 1, maxId: 4_000 });
        await compactor.compactBefore(T0 + 1_000 * 3_600_000);
        const { rows } = await client.pool.query('SELECT count(*)::int AS n FROM trade_run');
        expect(rows[0].n).toBe(0);
        await expect(trades.findTrades({ symbol: 'BTCUSDT', limit: 4_000 })).resolves.toEqual(hourly(1, 4_000));
      } finally {
        await other.close();
      }
    });

    it('refuses to write a symbol whose watermark row is gone, then writes it once the retry has made it again', async () => {
      await insert(writer, range(1, 10));
      await client.pool.query('DELETE FROM trade_watermark');
      await expect(insert(writer, range(5, 20))).rejects.toThrow(/no watermark for BTCUSDT/);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 10, minId: 1, maxId: 10 });
      await expect(insert(writer, range(5, 20))).resolves.toBe(10);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 20, minId: 1, maxId: 20 });
    });
  });
});
