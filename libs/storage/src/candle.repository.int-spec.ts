import {
  type AggTrade,
  CANDLE_INTERVAL_NAMES,
  type Candle,
  type CandleInterval,
  candleCloseTime,
  candleOpenTime,
  candleWindow,
  decimalText,
  withEmptyCandles,
} from '@binance-rates/domain';
import { aggTrade, planNodesOf } from '@binance-rates/testing';
import { CandleRepository } from './candle.repository';
import { CandleRollupRepository } from './candles/candle-rollup.repository';
import { DatabaseClient } from './database.client';
import { StatementTimeoutError } from './statement-timeout.error';
import { insert, openTradeHistory, type TradeHistoryDatabase } from './trade.fixtures';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Candles of `trades` the slow, obvious way (every decimal a BigInt of 10^-8 units), filled like the API fills them. */
function expectedCandles(trades: readonly AggTrade[], interval: CandleInterval, window: { startTime: number; endTime: number }): Candle[] {
  const units = (text: string) => BigInt(text.replace('.', ''));
  const sorted = [...trades].sort((a, b) => a.tradeId - b.tradeId);
  const groups = new Map<number, AggTrade[]>();
  for (const trade of sorted.filter((t) => t.tradeTime >= window.startTime && t.tradeTime <= window.endTime)) {
    const open = candleOpenTime(interval, trade.tradeTime);
    groups.set(open, [...(groups.get(open) ?? []), trade]);
  }
  const candles = [...groups.entries()].sort(([a], [b]) => a - b).map(([openTime, group]): Candle => {
    const sum = (of: (t: AggTrade) => bigint, only = (_: AggTrade) => true) => group.filter(only).reduce((total, t) => total + of(t), 0n);
    const byPrice = [...group].sort((a, b) => (units(a.price) < units(b.price) ? -1 : units(a.price) > units(b.price) ? 1 : 0));
    const takerBuy = (t: AggTrade) => !t.isBuyerMaker;
    return {
      openTime,
      closeTime: candleCloseTime(interval, openTime),
      open: group[0]!.price,
      high: byPrice[byPrice.length - 1]!.price,
      low: byPrice[0]!.price,
      close: group[group.length - 1]!.price,
      volume: decimalText(sum((t) => units(t.quantity)), 8),
      quoteVolume: decimalText(sum((t) => units(t.price) * units(t.quantity)), 16),
      trades: group.reduce((total, t) => total + t.lastTradeId - t.firstTradeId + 1, 0),
      aggTrades: group.length,
      takerBuyVolume: decimalText(sum((t) => units(t.quantity), takerBuy), 8),
      takerBuyQuoteVolume: decimalText(sum((t) => units(t.price) * units(t.quantity), takerBuy), 16),
      firstTradeId: group[0]!.tradeId,
      lastTradeId: group[group.length - 1]!.tradeId,
    };
  });
  const before = sorted.filter((t) => t.tradeTime < window.startTime);
  return withEmptyCandles({
    interval,
    window,
    candles,
    previousClose: before[before.length - 1]?.price ?? null,
    tradedAfter: sorted.some((t) => t.tradeTime > window.endTime),
  });
}

describe('CandleRepository', () => {
  let history: TradeHistoryDatabase;
  let client: DatabaseClient;
  let repository: CandleRepository;
  let rollups: CandleRollupRepository;

  beforeEach(async () => {
    ({ client } = history = await openTradeHistory());
    repository = new CandleRepository(client, history.trades);
    rollups = new CandleRollupRepository(client);
  });

  afterEach(() => history.close());

  /** The history writer stores the trades and their candles in one transaction. */
  async function store(trades: readonly AggTrade[]): Promise<void> {
    await insert(history.writer, trades);
  }

  const priced = (tradeId: number, tradeTime: number, price: string, quantity: string, fields: Partial<AggTrade> = {}) =>
    aggTrade({ tradeId, tradeTime, price, quantity, ...fields });

  it('answers every interval exactly from the stored candles, before and after the rollup job, with a late backfill in a closed day', async () => {
    let seed = 17;
    const next = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const now = Date.now();
    const trades: AggTrade[] = [];
    let time = now - 70 * DAY;
    for (let id = 1; time < now - 30_000; id++) {
      time += next(3) === 0 ? next(1_000) : next(6 * 60 * MINUTE);
      const fills = 1 + next(4);
      trades.push(
        priced(id, Math.min(time, now - 30_000), `${100 + next(20)}.${String(next(100)).padStart(2, '0')}000000`, `0.${String(1 + next(99_999)).padStart(5, '0')}000`, {
          symbol: 'SOLUSDT', firstTradeId: id * 5, lastTradeId: id * 5 + fills - 1, isBuyerMaker: next(2) === 0,
        }),
      );
    }
    // Trades 40–49 arrive later, a backfill into days long rolled up.
    const backfill = trades.filter((t) => t.tradeId >= 40 && t.tradeId < 50);
    const live = trades.filter((t) => t.tradeId < 40 || t.tradeId >= 50);
    for (let start = 0; start < live.length; start += 37) {
      await store(live.slice(start, start + 37));
    }
    await store([priced(1, now - 3 * DAY, '5.00000000', '1.00000000', { symbol: 'ETHUSDT' })]);

    const check = async (stored: readonly AggTrade[], when: string) => {
      for (const interval of CANDLE_INTERVAL_NAMES) {
        const traded = stored[next(stored.length)]!.tradeTime;
        const windows = [
          candleWindow({ interval, limit: 1000, now }),
          candleWindow({ interval, limit: 7, startTime: traded, now }),
          // Quiet first intervals, at the close before the window.
          candleWindow({ interval, limit: 7, startTime: traded - 3_000, now }),
        ];
        for (const window of interval === '1s' ? windows.slice(1) : windows) {
          const found = await repository.findCandles({ symbol: 'SOLUSDT', interval, ...window, timeoutMs: 10_000 });
          expect({ when, interval, window, found }).toEqual({ when, interval, window, found: expectedCandles(stored, interval, window) });
        }
      }
      // Binance's klines timeZone: boundaries of a clock east or west of UTC, read from the levels whose boundaries fit.
      for (const name of ['30m', '1h', '4h', '1d', '3d', '1w', '1M'] as const) {
        for (const offsetMs of [8 * 60 * MINUTE, -(5 * 60 + 45) * MINUTE]) {
          const interval = { name, offsetMs };
          const window = candleWindow({ interval, limit: 1000, now });
          const found = await repository.findCandles({ symbol: 'SOLUSDT', interval, ...window, timeoutMs: 10_000 });
          expect({ when, interval, found }).toEqual({ when, interval, found: expectedCandles(stored, interval, window) });
        }
      }
    };
    await check(live, 'before any rollup');
    expect(await rollups.rollUp()).toMatchObject({ lateDays: expect.any(Number) });
    await check(live, 'rolled up');
    await store(backfill);
    await check(trades, 'backfilled, not rolled up again');
    expect((await rollups.rollUp())!.lateDays).toBeGreaterThan(0);
    await check(trades, 'backfill rolled up');
    const { rows } = await client.pool.query(`SELECT count(*)::int AS pending FROM candle_rollup_pending`);
    expect(rows).toEqual([{ pending: 0 }]);
  });

  it('keeps the JSON shape: volumes exact and trimmed, prices as printed, counts as numbers, and empty intervals at the previous close', async () => {
    const T = Date.UTC(2025, 5, 2, 12);
    await store([
      priced(1, T, '10.50000000', '2.00000000', { firstTradeId: 1, lastTradeId: 3, isBuyerMaker: false }),
      priced(2, T + 59_999, '9.75000000', '4.00000000', { firstTradeId: 4, lastTradeId: 4, isBuyerMaker: true }),
      priced(3, T + 2 * MINUTE + 1, '12.25000000', '0.10000000', { firstTradeId: 5, lastTradeId: 5, isBuyerMaker: true }),
    ]);
    const candles = await repository.findCandles({ symbol: 'BTCUSDT', interval: '1m', startTime: T, endTime: T + 3 * MINUTE - 1, timeoutMs: 10_000 });
    expect(candles).toEqual([
      {
        openTime: T, closeTime: T + MINUTE - 1, open: '10.50000000', high: '10.50000000', low: '9.75000000', close: '9.75000000', volume: '6', quoteVolume: '60',
        trades: 4, aggTrades: 2, takerBuyVolume: '2', takerBuyQuoteVolume: '21', firstTradeId: 1, lastTradeId: 2,
      },
      {
        openTime: T + MINUTE, closeTime: T + 2 * MINUTE - 1, open: '9.75000000', high: '9.75000000', low: '9.75000000', close: '9.75000000', volume: '0', quoteVolume: '0',
        trades: 0, aggTrades: 0, takerBuyVolume: '0', takerBuyQuoteVolume: '0', firstTradeId: null, lastTradeId: null,
      },
      {
        openTime: T + 2 * MINUTE, closeTime: T + 3 * MINUTE - 1, open: '12.25000000', high: '12.25000000', low: '12.25000000', close: '12.25000000', volume: '0.1',
        quoteVolume: '1.225', trades: 1, aggTrades: 1, takerBuyVolume: '0', takerBuyQuoteVolume: '0', firstTradeId: 3, lastTradeId: 3,
      },
    ]);
    await expect(repository.findCandles({ symbol: 'XRPUSDT', interval: '1h', startTime: T, endTime: T + 3_600_000 - 1, timeoutMs: 10_000 })).resolves.toEqual([]);
  });

  it('reads 1,000 coarse candles along the primary keys of the rolled-up levels', async () => {
    const T = Date.UTC(2025, 0, 1);
    await client.pool.query(
      `INSERT INTO candle_1m (symbol, open_time, open, high, low, close, volume, quote_volume, taker_buy_volume, taker_buy_quote_volume, trades, agg_trades, first_agg_id, last_agg_id)
       SELECT symbol, timestamptz 'epoch' + ($1::bigint + m::bigint * 60000) * interval '1 millisecond', 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, m, m
       FROM unnest(ARRAY['BTCUSDT', 'ETHUSDT']) AS symbol, generate_series(0, 200 * 1440 - 1) AS m`,
      [T],
    );
    await rollups.rollUp();
    await client.pool.query('ANALYZE');
    for (const interval of ['5m', '30m', '12h', '1w', '1M'] as const) {
      const window = candleWindow({ interval, limit: 1000, endTime: T + 200 * DAY, now: T });
      const nodes = await planNodesOf(client.pool, () => repository.findCandles({ symbol: 'BTCUSDT', interval, ...window, timeoutMs: 10_000 }));
      // Seq scans are planned only for the job's one-row state and the (empty) late-day marks.
      expect({ interval, nodes }).toEqual({ interval, nodes: expect.arrayContaining(['Index Scan']) });
    }
    const weeks = candleWindow({ interval: '1w', limit: 1000, endTime: T + 200 * DAY, now: T });
    const candles = await repository.findCandles({ symbol: 'BTCUSDT', interval: '1w', ...weeks, timeoutMs: 10_000 });
    expect(candles.reduce((sum, candle) => sum + candle.aggTrades, 0)).toBe(200 * 1440);
  });

  it('gives up a read that outlasts its timeout, and the connection serves the next one', async () => {
    await store([priced(1, Date.UTC(2025, 0, 1), '1.00000000', '1.00000000')]);
    const window = { symbol: 'BTCUSDT', interval: '1d' as const, startTime: Date.UTC(2025, 0, 1), endTime: Date.UTC(2025, 0, 2) - 1 };
    const locker = await client.pool.connect();
    await locker.query('BEGIN; LOCK TABLE candle_1m IN ACCESS EXCLUSIVE MODE');
    try {
      await expect(repository.findCandles({ ...window, timeoutMs: 200 })).rejects.toBeInstanceOf(StatementTimeoutError);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
    await expect(repository.findCandles({ ...window, timeoutMs: 10_000 })).resolves.toHaveLength(1);
  });
});
