import type { TestDatabase } from '@binance-rates/testing';
import { DatabaseClient } from './database.client';
import { clientFor, insert, openTradeHistory, range, SOME, storedRange, T0, trade, type TradeHistoryDatabase } from './trade.fixtures';
import { TradeCopyWriter } from './trade-copy.writer';
import { TradeRepository } from './trade.repository';

describe('TradeCopyWriter', () => {
  let db: TestDatabase;
  let client: DatabaseClient;
  let writer: TradeCopyWriter;
  let trades: TradeRepository;

  let history: TradeHistoryDatabase;

  beforeEach(async () => {
    ({ db, client, writer, trades } = history = await openTradeHistory());
  });

  afterEach(() => history.close());

  describe('insertCopyRows', () => {
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

    /** Runs the writes two writers on separate pools race with; returns how many rows they stored in all. */
    async function raceFromTwoPools(writes: (mine: TradeCopyWriter, theirs: TradeCopyWriter) => Promise<number>[]): Promise<number> {
      const other = clientFor(db.url);
      try {
        return (await Promise.all(writes(writer, new TradeCopyWriter(other)))).reduce((sum, n) => sum + n, 0);
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
    ])('falls back when %s holds rows already stored, keeping the stored ones and adding the rest', async (_label, size) => {
      await insert(writer, range(400, 600, { price: '1.00000000' }));

      await expect(insert(writer, range(1, size))).resolves.toBe(size - 201);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: size, minId: 1, maxId: size });
      const [stored] = await trades.findTrades({ symbol: 'BTCUSDT', fromId: 400, limit: 1 });
      expect(stored!.price).toBe('1.00000000');
    });

    it('keeps using one connection through direct COPYs and fallbacks, even when the server fails a COPY early', async () => {
      const single = clientFor(db.url, 1);
      const repository = new TradeCopyWriter(single);
      try {
        await expect(insert(repository, range(1, 5))).resolves.toBe(5);
        // The conflict is in the first rows while most of the 60k-row payload is still on its way.
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

    it('stores overlapping multi-symbol COPY batches raced from two pools exactly once, in any order', async () => {
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

    it('round-trips prices and quantities exactly', async () => {
      const values = ['0.00000001', '37000.12000000', '123456789.12345678', '0', '1e-8', '98765432109876543210.123456789'];
      await insert(writer, values.map((value, i) => trade(i + 1, { price: value, quantity: value })));

      const stored = await trades.findTrades({ symbol: 'BTCUSDT', limit: 100 });
      expect(stored.map((t) => t.price)).toEqual([
        '0.00000001',
        '37000.12000000',
        '123456789.12345678',
        '0',
        '0.00000001',
        '98765432109876543210.123456789',
      ]);
      expect(stored.map((t) => t.quantity)).toEqual(stored.map((t) => t.price));
    });

    it('round-trips every field through the COPY path as well', async () => {
      const batch = range(1, SOME, { price: '123456789.12345678', quantity: '0.00000001' });
      await insert(writer, batch);
      await expect(trades.findTrades({ symbol: 'BTCUSDT', limit: SOME })).resolves.toEqual(batch);
    });

    it('round-trips trade times with any millisecond, before 1970 too, through the COPY path', async () => {
      const times = [T0, T0 + 1, T0 + 9, T0 + 10, T0 + 99, T0 + 100, T0 + 999, T0 + 1_000, 0, -1, -999, -1_000, -1_001];
      const batch = range(1, SOME).map((t, i) => ({ ...t, tradeTime: times[i % times.length]! + i * 1_001 }));
      await insert(writer, batch);
      await expect(trades.findTrades({ symbol: 'BTCUSDT', limit: SOME })).resolves.toEqual(batch);
    });

    it('rejects a trade time that is not whole milliseconds', async () => {
      const batch = range(1, SOME);
      batch[7] = trade(8, { tradeTime: T0 + 0.5 });
      await expect(insert(writer, batch)).rejects.toThrow(/whole milliseconds/);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 0, minId: null, maxId: null });
    });

    it('rejects text that would corrupt the COPY stream', async () => {
      const batch = range(1, SOME);
      batch[5] = trade(6, { price: '1\t2' });
      await expect(insert(writer, batch)).rejects.toThrow(/control, non-ASCII or backslash/);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 0, minId: null, maxId: null });
    });
  });
});
