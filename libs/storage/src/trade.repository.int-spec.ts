import type { AggTrade } from '@binance-rates/domain';
import { AGG_TRADE_EPOCH, aggTrade, createTestDatabase, planNodesOf, testConfig, type TestDatabase } from '@binance-rates/testing';
import { DatabaseClient } from './database.client';
import { TradeCopyBatch } from './trade-copy-batch';
import { StatementTimeoutError, TradeRepository } from './trade.repository';

const T0 = AGG_TRADE_EPOCH;
const SOME = 200;

function range(from: number, to: number, overrides: Partial<AggTrade> = {}): AggTrade[] {
  return Array.from({ length: to - from + 1 }, (_, i) => aggTrade({ tradeId: from + i, ...overrides }));
}

/** What the write pipeline does with live trades: encode them as COPY rows (ids ascending) and store the batch. */
async function insert(repository: TradeRepository, trades: readonly AggTrade[]): Promise<number> {
  const batch = new TradeCopyBatch();
  for (const t of [...trades].sort((a, b) => a.tradeId - b.tradeId)) {
    batch.append(t);
  }
  const { payload, rows } = batch.seal();
  return repository.insertCopyRows(payload, rows);
}

async function storedRange(db: DatabaseClient, symbol: string): Promise<{ count: number; minId: number | null; maxId: number | null }> {
  const { rows } = await db.pool.query<{ count: number; min_id: number | null; max_id: number | null }>(
    `SELECT count(*)::float8 AS count, min(trade_id)::float8 AS min_id, max(trade_id)::float8 AS max_id
     FROM agg_trade WHERE symbol = $1`,
    [symbol],
  );
  return { count: rows[0]!.count, minId: rows[0]!.min_id, maxId: rows[0]!.max_id };
}

function clientFor(url: string): DatabaseClient {
  return new DatabaseClient(testConfig({ database: { url, poolSize: 4 } }));
}

describe('TradeRepository', () => {
  let db: TestDatabase;
  let client: DatabaseClient;
  let trades: TradeRepository;

  beforeEach(async () => {
    db = await createTestDatabase();
    client = clientFor(db.url);
    trades = new TradeRepository(client);
  });

  afterEach(async () => {
    await client.close();
    await db.drop();
  });

  describe('insertCopyRows', () => {
    it.each([
      ['a small batch', 10],
      ['a large batch', 1_500],
    ])('stores %s once even when replayed', async (_label, size) => {
      const batch = range(1, size);
      await expect(insert(trades, batch)).resolves.toBe(size);
      await expect(insert(trades, batch)).resolves.toBe(0);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: size, minId: 1, maxId: size });
    });

    it.each([
      ['small', 5],
      ['large', 1_210],
    ])('skips duplicates inside one %s batch', async (_label, size) => {
      const batch = [...range(1, size), aggTrade({ tradeId: 3 }), aggTrade({ tradeId: 1, price: '1.00000000' }), aggTrade({ tradeId: size })];
      await expect(insert(trades, batch)).resolves.toBe(size);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: size, minId: 1, maxId: size });
    });

    it('returns 0 for an empty batch', async () => {
      await expect(insert(trades, [])).resolves.toBe(0);
    });

    /** Runs the writes two repositories on separate pools race with; returns how many rows they stored in all. */
    async function raceFromTwoPools(writes: (mine: TradeRepository, theirs: TradeRepository) => Promise<number>[]): Promise<number> {
      const other = clientFor(db.url);
      try {
        return (await Promise.all(writes(trades, new TradeRepository(other)))).reduce((sum, n) => sum + n, 0);
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
      await insert(trades, range(400, 600, { price: '1.00000000' }));

      await expect(insert(trades, range(1, size))).resolves.toBe(size - 201);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: size, minId: 1, maxId: size });
      const [stored] = await trades.findTrades({ symbol: 'BTCUSDT', fromId: 400, limit: 1 });
      expect(stored!.price).toBe('1.00000000');
    });

    it('keeps using one connection through direct COPYs and fallbacks, even when the server fails a COPY early', async () => {
      const single = new DatabaseClient(testConfig({ database: { url: db.url, poolSize: 1 } }));
      const repository = new TradeRepository(single);
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
      batch.push(aggTrade({ tradeId: 7, price: '9.00000000' }), aggTrade({ tradeId: 7, symbol: 'ETHUSDT', price: '8.00000000' }));
      batch.unshift(aggTrade({ tradeId: 5, quantity: '2.00000000' }));

      await expect(insert(trades, batch)).resolves.toBe(2 * SOME);
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
      await insert(trades, values.map((value, i) => aggTrade({ tradeId: i + 1, price: value, quantity: value })));

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
      await insert(trades, batch);
      await expect(trades.findTrades({ symbol: 'BTCUSDT', limit: SOME })).resolves.toEqual(batch);
    });

    it('round-trips trade times with any millisecond, before 1970 too, through the COPY path', async () => {
      const times = [T0, T0 + 1, T0 + 9, T0 + 10, T0 + 99, T0 + 100, T0 + 999, T0 + 1_000, 0, -1, -999, -1_000, -1_001];
      const batch = range(1, SOME).map((t, i) => ({ ...t, tradeTime: times[i % times.length]! + i * 1_001 }));
      await insert(trades, batch);
      await expect(trades.findTrades({ symbol: 'BTCUSDT', limit: SOME })).resolves.toEqual(batch);
    });

    it('rejects a trade time that is not whole milliseconds', async () => {
      const batch = range(1, SOME);
      batch[7] = aggTrade({ tradeId: 8, tradeTime: T0 + 0.5 });
      await expect(insert(trades, batch)).rejects.toThrow(/whole milliseconds/);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 0, minId: null, maxId: null });
    });

    it('rejects text that would corrupt the COPY stream', async () => {
      const batch = range(1, SOME);
      batch[5] = aggTrade({ tradeId: 6, price: '1\t2' });
      await expect(insert(trades, batch)).rejects.toThrow(/control, non-ASCII or backslash/);
      await expect(storedRange(client, 'BTCUSDT')).resolves.toEqual({ count: 0, minId: null, maxId: null });
    });
  });

  describe('findTrades', () => {
    beforeEach(async () => {
      await insert(trades, [...range(1, 50).reverse(), ...range(1, 10, { symbol: 'ETHUSDT' })]);
    });

    it('returns one symbol ascending by id, limited', async () => {
      const found = await trades.findTrades({ symbol: 'BTCUSDT', limit: 5 });
      expect(found.map((t) => t.tradeId)).toEqual([1, 2, 3, 4, 5]);
      expect(found[0]).toEqual(aggTrade({ tradeId: 1 }));
    });

    it('filters by fromId', async () => {
      const found = await trades.findTrades({ symbol: 'BTCUSDT', fromId: 48, limit: 10 });
      expect(found.map((t) => t.tradeId)).toEqual([48, 49, 50]);
    });

    it('filters by an inclusive time window', async () => {
      const found = await trades.findTrades({
        symbol: 'ETHUSDT',
        startTime: T0 + 3000,
        endTime: T0 + 6000,
        limit: 10,
      });
      expect(found.map((t) => t.tradeId)).toEqual([3, 4, 5, 6]);
      expect(found.every((t) => t.symbol === 'ETHUSDT')).toBe(true);
    });

    it('combines fromId, startTime and limit', async () => {
      const found = await trades.findTrades({ symbol: 'BTCUSDT', fromId: 20, startTime: T0 + 30_000, limit: 3 });
      expect(found.map((t) => t.tradeId)).toEqual([30, 31, 32]);
    });

    it('returns nothing for an unknown symbol', async () => {
      await expect(trades.findTrades({ symbol: 'XRPUSDT', limit: 10 })).resolves.toEqual([]);
      await expect(trades.findTrades({ symbol: 'XRPUSDT', startTime: T0, endTime: T0 + 9000, limit: 10 })).resolves.toEqual([]);
    });

    it('answers time windows exactly over holes in the ids and runs of equal times', async () => {
      // Deterministic pseudo-random history: ids jump by 1-40, times stay equal or rise by up to 3 s.
      let seed = 7;
      const next = (n: number): number => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed % n;
      };
      const stored: AggTrade[] = [];
      let id = 1_000_000_000;
      let time = T0;
      for (let i = 0; i < 600; i++) {
        id += next(4) === 0 ? 1 + next(40) : 1;
        time += next(3) === 0 ? 0 : next(3000);
        stored.push(aggTrade({ tradeId: id, symbol: 'SOLUSDT', tradeTime: time }));
      }
      await insert(trades, stored);
      const first = stored[0]!;
      const last = stored[stored.length - 1]!;
      const times = [first.tradeTime - 1, first.tradeTime, last.tradeTime, last.tradeTime + 1, ...stored.map((t) => t.tradeTime)];
      for (let probe = 0; probe < 60; probe++) {
        const startTime = probe % 7 === 0 ? undefined : times[next(times.length)]!;
        const endTime = probe % 5 === 0 ? undefined : times[next(times.length)]! + next(2);
        const fromId = probe % 3 === 0 ? stored[next(stored.length)]!.tradeId + next(2) : undefined;
        const limit = 1 + next(300);
        const expected = stored
          .filter((t) => (startTime === undefined || t.tradeTime >= startTime) && (endTime === undefined || t.tradeTime <= endTime))
          .filter((t) => fromId === undefined || t.tradeId >= fromId)
          .slice(0, limit)
          .map((t) => t.tradeId);
        const found = await trades.findTrades({ symbol: 'SOLUSDT', fromId, startTime, endTime, limit });
        expect({ startTime, endTime, fromId, limit, ids: found.map((t) => t.tradeId) }).toEqual({ startTime, endTime, fromId, limit, ids: expected });
      }
    });
  });

  describe('findCandles', () => {
    const minute = 60_000;
    const priced = (tradeId: number, tradeTime: number, price: string, quantity: string, symbol = 'BTCUSDT') =>
      aggTrade({ tradeId: tradeId, symbol, tradeTime, price, quantity });

    it('aggregates each interval exactly (open and close by id, extremes, volumes, counts) and leaves out empty ones', async () => {
      await insert(trades, [
        priced(3, T0 + 59_999, '9.75000000', '4.00000000'),
        priced(1, T0, '10.50000000', '2.00000000'),
        priced(2, T0 + 30_000, '11.00000000', '1.00000000'),
        priced(4, T0 + 2 * minute, '12.25000000', '0.10000000'),
        priced(5, T0 + 2 * minute + 1, '12.00000000', '0.30000000'),
        priced(1, T0 + 1000, '99.00000000', '50.00000000', 'ETHUSDT'),
        priced(2, T0 + minute, '98.00000000', '50.00000000', 'ETHUSDT'),
      ]);
      const candles = await trades.findCandles({ symbol: 'BTCUSDT', intervalMs: minute, startTime: T0, endTime: T0 + 3 * minute - 1, timeoutMs: 10_000 });
      expect(candles).toEqual([
        { openTime: T0, open: '10.50000000', high: '11.00000000', low: '9.75000000', close: '9.75000000', volume: '7', quoteVolume: '71', trades: 3, firstTradeId: 1, lastTradeId: 3 },
        { openTime: T0 + 2 * minute, open: '12.25000000', high: '12.25000000', low: '12.00000000', close: '12.00000000', volume: '0.4', quoteVolume: '4.825', trades: 2, firstTradeId: 4, lastTradeId: 5 },
      ]);
      await expect(trades.findCandles({ symbol: 'BTCUSDT', intervalMs: minute, startTime: T0 + minute, endTime: T0 + 2 * minute - 1, timeoutMs: 10_000 })).resolves.toEqual([]);
      await expect(trades.findCandles({ symbol: 'XRPUSDT', intervalMs: minute, startTime: T0, endTime: T0 + 3 * minute - 1, timeoutMs: 10_000 })).resolves.toEqual([]);
    });

    it('matches candles computed from the trades themselves, over holes in the ids, equal times and any window', async () => {
      let seed = 11;
      const next = (n: number): number => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed % n;
      };
      const stored: Array<AggTrade & { cents: bigint; lots: bigint }> = [];
      let id = 5_000;
      let time = T0 + 17_000;
      for (let i = 0; i < 400; i++) {
        id += next(5) === 0 ? 1 + next(30) : 1;
        time += next(3) === 0 ? 0 : next(9_000);
        const cents = BigInt(10_000 + next(5_000));
        const lots = BigInt(1 + next(9));
        stored.push({ ...priced(id, time, `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`, `${lots}`, 'SOLUSDT'), cents, lots });
      }
      await insert(trades, stored);
      const decimal = (hundredths: bigint): string => {
        const text = `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`;
        return text.replace(/\.?0+$/, '');
      };
      for (let probe = 0; probe < 30; probe++) {
        const intervalMs = [1_000, minute, 5 * minute][probe % 3]!;
        const startTime = T0 + next(3_600_000);
        const endTime = startTime + (1 + next(40)) * intervalMs - 1;
        const within = stored.filter((t) => t.tradeTime >= startTime && t.tradeTime <= endTime);
        const groups = new Map<number, typeof within>();
        for (const t of within) {
          const open = t.tradeTime - (t.tradeTime % intervalMs);
          groups.set(open, [...(groups.get(open) ?? []), t]);
        }
        const expected = [...groups.entries()].sort(([a], [b]) => a - b).map(([openTime, group]) => {
          const byPrice = [...group].sort((a, b) => (a.cents < b.cents ? -1 : a.cents > b.cents ? 1 : 0));
          return {
            openTime,
            open: group[0]!.price,
            high: byPrice[byPrice.length - 1]!.price,
            low: byPrice[0]!.price,
            close: group[group.length - 1]!.price,
            volume: String(group.reduce((sum, t) => sum + t.lots, 0n)),
            quoteVolume: decimal(group.reduce((sum, t) => sum + t.cents * t.lots, 0n)),
            trades: group.length,
            firstTradeId: group[0]!.tradeId,
            lastTradeId: group[group.length - 1]!.tradeId,
          };
        });
        const found = await trades.findCandles({ symbol: 'SOLUSDT', intervalMs, startTime, endTime, timeoutMs: 10_000 });
        expect({ intervalMs, startTime, endTime, found }).toEqual({ intervalMs, startTime, endTime, found: expected });
      }
    });
  });

  describe('lastStoredTrades', () => {
    it('returns the newest id and time per symbol, omitting symbols with no history', async () => {
      await insert(trades, [...range(1, 7), ...range(100, 120, { symbol: 'ETHUSDT' })]);

      const last = await trades.lastStoredTrades(['BTCUSDT', 'ETHUSDT', 'XRPUSDT']);
      expect([...last.entries()].sort()).toEqual([
        ['BTCUSDT', { tradeId: 7, tradeTime: T0 + 7000 }],
        ['ETHUSDT', { tradeId: 120, tradeTime: T0 + 120_000 }],
      ]);
      await expect(trades.lastStoredTrades([])).resolves.toEqual(new Map());
    });
  });

  describe('on a long history', () => {
    beforeEach(async () => {
      for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
        await client.pool.query(
          `INSERT INTO agg_trade (symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time, is_buyer_maker)
           SELECT $1, id, 1, 1, id, id, timestamptz 'epoch' + id * interval '1 second', false FROM generate_series(1, 20000) AS id`,
          [symbol],
        );
      }
      await client.pool.query('ANALYZE agg_trade');
    });

    it.each([
      ['a page from an id', () => trades.findTrades({ symbol: 'BTCUSDT', fromId: 10, limit: 500 })],
      ['a time window', () => trades.findTrades({ symbol: 'BTCUSDT', startTime: 5_000_000, endTime: 9_000_000, limit: 500 })],
      ['the newest stored trades', () => trades.lastStoredTrades(['BTCUSDT', 'ETHUSDT'])],
    ])('reads %s along the primary key, never sorting a coin\'s rows', async (_what, read) => {
      const nodes = await planNodesOf(client.pool, read);
      expect(nodes).toContain('Index Scan');
      expect(nodes).not.toContain('Sort');
    });

    it('reads the trades of a candles window along the primary key, never the whole history', async () => {
      const nodes = await planNodesOf(client.pool, () =>
        trades.findCandles({ symbol: 'BTCUSDT', intervalMs: 60_000, startTime: 5_000_000, endTime: 5_000_000 + 60 * 60_000 - 1, timeoutMs: 10_000 }),
      );
      expect(nodes).toContain('Index Scan');
      expect(nodes).not.toContain('Seq Scan');
    });

    it('cancels a candles query that outlasts its timeout, and the connection serves the next query', async () => {
      const everything = { symbol: 'BTCUSDT', intervalMs: 1_000, startTime: 0, endTime: 30_000_000 };
      // pg_sleep in the same statement would be clearer, but the query is fixed: a lock held elsewhere stalls it instead.
      const locker = await client.pool.connect();
      await locker.query('BEGIN; LOCK TABLE agg_trade IN ACCESS EXCLUSIVE MODE');
      try {
        await expect(trades.findCandles({ ...everything, timeoutMs: 200 })).rejects.toBeInstanceOf(StatementTimeoutError);
      } finally {
        await locker.query('ROLLBACK');
        locker.release();
      }
      const candles = await trades.findCandles({ ...everything, timeoutMs: 10_000 });
      expect(candles.reduce((sum, candle) => sum + candle.trades, 0)).toBe(20_000);
    });
  });

  it('reports health', async () => {
    await expect(client.isHealthy()).resolves.toBe(true);
    await client.close();
    await expect(client.isHealthy()).resolves.toBe(false);
  });
});
