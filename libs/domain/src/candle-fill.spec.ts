import type { Candle } from './candle';
import { withEmptyCandles } from './candle-fill';

const MINUTE = 60_000;
const T = Date.UTC(2026, 10, 26, 12);
const window = { startTime: T, endTime: T + 5 * MINUTE - 1 };

function traded(openTime: number, close: string): Candle {
  return {
    openTime, closeTime: openTime + MINUTE - 1, open: '1.00', high: '9.00', low: '1.00', close, volume: '2', quoteVolume: '3', trades: 4, aggTrades: 2,
    takerBuyVolume: '1', takerBuyQuoteVolume: '1', firstTradeId: 1, lastTradeId: 2,
  };
}

const empty = (openTime: number, price: string) => ({
  openTime, closeTime: openTime + MINUTE - 1, open: price, high: price, low: price, close: price, volume: '0', quoteVolume: '0', trades: 0, aggTrades: 0,
  takerBuyVolume: '0', takerBuyQuoteVolume: '0', firstTradeId: null, lastTradeId: null,
});

describe('withEmptyCandles', () => {
  it('puts a zero-volume candle at the previous close in every quiet interval between two trades', () => {
    const candles = [traded(T + MINUTE, '5.00'), traded(T + 3 * MINUTE, '6.00')];
    expect(withEmptyCandles({ interval: '1m', window, candles, previousClose: null, tradedAfter: false })).toEqual([
      candles[0], empty(T + 2 * MINUTE, '5.00'), candles[1],
    ]);
  });

  it('starts from the close before the window and runs to the window end when a trade came after it', () => {
    const candles = [traded(T + 2 * MINUTE, '5.00')];
    expect(withEmptyCandles({ interval: '1m', window, candles, previousClose: '4.00', tradedAfter: true })).toEqual([
      empty(T, '4.00'), empty(T + MINUTE, '4.00'), candles[0], empty(T + 3 * MINUTE, '5.00'), empty(T + 4 * MINUTE, '5.00'),
    ]);
    expect(withEmptyCandles({ interval: '1m', window, candles: [], previousClose: '4.00', tradedAfter: true })).toHaveLength(5);
  });

  it('invents nothing before the first trade or after the last one', () => {
    expect(withEmptyCandles({ interval: '1m', window, candles: [], previousClose: null, tradedAfter: true })).toEqual([]);
    expect(withEmptyCandles({ interval: '1m', window, candles: [], previousClose: '4.00', tradedAfter: false })).toEqual([]);
  });

  it('steps calendar months', () => {
    const months = { startTime: Date.UTC(2026, 0, 1), endTime: Date.UTC(2026, 3, 1) - 1 };
    const candles = [{ ...traded(Date.UTC(2026, 2, 1), '7.00'), closeTime: Date.UTC(2026, 3, 1) - 1 }];
    expect(withEmptyCandles({ interval: '1M', window: months, candles, previousClose: '6.00', tradedAfter: false }).map((c) => [c.openTime, c.closeTime, c.close])).toEqual([
      [Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1) - 1, '6.00'],
      [Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1) - 1, '6.00'],
      [Date.UTC(2026, 2, 1), Date.UTC(2026, 3, 1) - 1, '7.00'],
    ]);
  });
});
