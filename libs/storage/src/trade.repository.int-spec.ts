import type { AggTrade } from '@binance-rates/domain';
import { planNodesOf } from '@binance-rates/testing';
import { DatabaseClient } from './database.client';
import { insert, openTradeHistory, range, seedLongHistory, T0, trade, type TradeHistoryDatabase } from './trade.fixtures';
import type { TradeHistoryWriter } from './history/trade-history.writer';
import { TradeRepository } from './trade.repository';

describe('TradeRepository', () => {
  let client: DatabaseClient;
  let writer: TradeHistoryWriter;
  let trades: TradeRepository;

  let history: TradeHistoryDatabase;

  beforeEach(async () => {
    ({ client, writer, trades } = history = await openTradeHistory());
  });

  afterEach(() => history.close());

  describe('findTrades', () => {
    beforeEach(async () => {
      await insert(writer, [...range(1, 50).reverse(), ...range(1, 10, { symbol: 'ETHUSDT' })]);
    });

    it('returns one symbol ascending by id, limited', async () => {
      const found = await trades.findTrades({ symbol: 'BTCUSDT', limit: 5 });
      expect(found.map((t) => t.tradeId)).toEqual([1, 2, 3, 4, 5]);
      expect(found[0]).toEqual(trade(1));
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

    it.each([
      ['runs', 'run'],
      ['blocks', 'block'],
    ] as const)('answers time windows exactly over holes in the ids and runs of equal times, stored as %s', async (_label, form) => {
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
        stored.push(trade(id, { symbol: 'SOLUSDT', tradeTime: time }));
      }
      // Written in pieces of 97, so reads cross many stored rows.
      for (let from = 0; from < stored.length; from += 97) {
        await insert(writer, stored.slice(from, from + 97), form);
      }
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

  describe('lastStoredTrades', () => {
    it('returns the newest id and time per symbol, omitting symbols with no history', async () => {
      await insert(writer, [...range(1, 7), ...range(100, 120, { symbol: 'ETHUSDT' })]);

      const last = await trades.lastStoredTrades(['BTCUSDT', 'ETHUSDT', 'XRPUSDT']);
      expect([...last.entries()].sort()).toEqual([
        ['BTCUSDT', { tradeId: 7, tradeTime: T0 + 7000 }],
        ['ETHUSDT', { tradeId: 120, tradeTime: T0 + 120_000 }],
      ]);
      await expect(trades.lastStoredTrades([])).resolves.toEqual(new Map());
    });

    it('gives the newest stored trade with its price as stored', async () => {
      await insert(writer, [...range(1, 7), trade(8, { price: '0.00001234' })]);
      expect(await trades.lastStoredPrices(['BTCUSDT', 'XRPUSDT'])).toEqual(
        new Map([['BTCUSDT', { tradeId: 8, tradeTime: T0 + 8000, price: '0.00001234' }]]),
      );
    });
  });

  describe('on a long history', () => {
    beforeEach(async () => {
      await seedLongHistory(client);
    });

    it.each([
      ['a page from an id', () => trades.findTrades({ symbol: 'BTCUSDT', fromId: 10, limit: 500 })],
      ['a time window', () => trades.findTrades({ symbol: 'BTCUSDT', startTime: 300_000_000, endTime: 540_000_000, limit: 500 })],
      ['the newest stored trades', () => trades.lastStoredTrades(['BTCUSDT', 'ETHUSDT'])],
      ['the newest stored prices', () => trades.lastStoredPrices(['BTCUSDT', 'ETHUSDT'])],
      ['an id at a time', () => trades.findTrades({ symbol: 'BTCUSDT', startTime: 900_000_000, limit: 10 })],
    ])('reads %s through an index', async (_what, read) => {
      // Only this: on a test-sized history PostgreSQL rightly scans a partition of a few hundred blocks whole. The
      // benchmark reads pages over a year of blocks (README).
      const nodes = await planNodesOf(client.pool, read);
      expect(nodes).toContain('Index Scan');
    });
  });
});
