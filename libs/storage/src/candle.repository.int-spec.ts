import type { AggTrade } from '@binance-rates/domain';
import { planNodesOf } from '@binance-rates/testing';
import { CandleRepository } from './candle.repository';
import { DatabaseClient } from './database.client';
import { StatementTimeoutError } from './statement-timeout.error';
import { insert, openTradeHistory, seedLongHistory, T0, trade, type TradeHistoryDatabase } from './trade.fixtures';
import type { TradeHistoryWriter } from './history/trade-history.writer';

describe('CandleRepository', () => {
  let client: DatabaseClient;
  let writer: TradeHistoryWriter;
  let repository: CandleRepository;

  let history: TradeHistoryDatabase;

  beforeEach(async () => {
    ({ client, writer } = history = await openTradeHistory());
    repository = new CandleRepository(client);
  });

  afterEach(() => history.close());

  describe('findCandles', () => {
    const minute = 60_000;
    const priced = (tradeId: number, tradeTime: number, price: string, quantity: string, symbol = 'BTCUSDT') =>
      trade(tradeId, { symbol, tradeTime, price, quantity });

    it('aggregates each interval exactly (open and close by id, extremes, volumes, counts) and leaves out empty ones', async () => {
      await insert(writer, [
        priced(3, T0 + 59_999, '9.75000000', '4.00000000'),
        priced(1, T0, '10.50000000', '2.00000000'),
        priced(2, T0 + 30_000, '11.00000000', '1.00000000'),
        priced(4, T0 + 2 * minute, '12.25000000', '0.10000000'),
        priced(5, T0 + 2 * minute + 1, '12.00000000', '0.30000000'),
        priced(1, T0 + 1000, '99.00000000', '50.00000000', 'ETHUSDT'),
        priced(2, T0 + minute, '98.00000000', '50.00000000', 'ETHUSDT'),
      ]);
      const candles = await repository.findCandles({ symbol: 'BTCUSDT', intervalMs: minute, startTime: T0, endTime: T0 + 3 * minute - 1, timeoutMs: 10_000 });
      expect(candles).toEqual([
        { openTime: T0, open: '10.50000000', high: '11.00000000', low: '9.75000000', close: '9.75000000', volume: '7', quoteVolume: '71', trades: 3, firstTradeId: 1, lastTradeId: 3 },
        { openTime: T0 + 2 * minute, open: '12.25000000', high: '12.25000000', low: '12.00000000', close: '12.00000000', volume: '0.4', quoteVolume: '4.825', trades: 2, firstTradeId: 4, lastTradeId: 5 },
      ]);
      await expect(repository.findCandles({ symbol: 'BTCUSDT', intervalMs: minute, startTime: T0 + minute, endTime: T0 + 2 * minute - 1, timeoutMs: 10_000 })).resolves.toEqual([]);
      await expect(repository.findCandles({ symbol: 'XRPUSDT', intervalMs: minute, startTime: T0, endTime: T0 + 3 * minute - 1, timeoutMs: 10_000 })).resolves.toEqual([]);
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
      await insert(writer, stored);
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
        const found = await repository.findCandles({ symbol: 'SOLUSDT', intervalMs, startTime, endTime, timeoutMs: 10_000 });
        expect({ intervalMs, startTime, endTime, found }).toEqual({ intervalMs, startTime, endTime, found: expected });
      }
    });
  });

  describe('on a long history', () => {
    beforeEach(async () => {
      await seedLongHistory(client);
    });

    it('reads the trades of a candles window along the primary key, never the whole history', async () => {
      const nodes = await planNodesOf(client.pool, () =>
        repository.findCandles({ symbol: 'BTCUSDT', intervalMs: 60_000, startTime: 5_000_000, endTime: 5_000_000 + 60 * 60_000 - 1, timeoutMs: 10_000 }),
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
        await expect(repository.findCandles({ ...everything, timeoutMs: 200 })).rejects.toBeInstanceOf(StatementTimeoutError);
      } finally {
        await locker.query('ROLLBACK');
        locker.release();
      }
      const candles = await repository.findCandles({ ...everything, timeoutMs: 10_000 });
      expect(candles.reduce((sum, candle) => sum + candle.trades, 0)).toBe(20_000);
    });
  });
});
