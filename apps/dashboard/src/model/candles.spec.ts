import { Candle, applyPrice, dayStats, mergeCandles, toCandle } from './candles';

const MINUTE = 60_000;

function candle(openTime: number, open: number, high: number, low: number, close: number, volume = 1): Candle {
  return { openTime, open, high, low, close, volume };
}

describe('applyPrice', () => {
  it('extends the newest candle with a price in its interval', () => {
    expect(applyPrice(candle(0, 10, 12, 9, 11), 13, 30_000, MINUTE)).toEqual(candle(0, 10, 13, 9, 13, 1));
    expect(applyPrice(candle(0, 10, 12, 9, 11), 8, 59_999, MINUTE)).toEqual(candle(0, 10, 12, 8, 8, 1));
  });

  it('opens the next candle for a price in a later interval, aligned to the interval', () => {
    expect(applyPrice(candle(0, 10, 12, 9, 11), 14, 2 * MINUTE + 5, MINUTE)).toEqual(candle(2 * MINUTE, 14, 14, 14, 14, 0));
    expect(applyPrice(undefined, 5, 90_000, MINUTE)).toEqual(candle(MINUTE, 5, 5, 5, 5, 0));
  });

  it('ignores a price older than the newest candle', () => {
    expect(applyPrice(candle(MINUTE, 10, 12, 9, 11), 1, 10, MINUTE)).toBeNull();
  });
});

describe('mergeCandles', () => {
  it('joins by open time ascending, the newer answer winning', () => {
    const merged = mergeCandles([candle(0, 1, 1, 1, 1), candle(MINUTE, 2, 2, 2, 2)], [candle(MINUTE, 3, 3, 3, 3), candle(2 * MINUTE, 4, 4, 4, 4)]);
    expect(merged.map((item) => [item.openTime, item.open])).toEqual([[0, 1], [MINUTE, 3], [2 * MINUTE, 4]]);
  });
});

describe('dayStats', () => {
  it('takes the open of the oldest candle, the extremes of all and the newest price', () => {
    const stats = dayStats([candle(0, 100, 110, 95, 105), candle(MINUTE, 105, 120, 101, 118)], 125);
    expect(stats).toEqual({ open: 100, high: 125, low: 95, change: 0.25, since: 0 });
  });

  it('uses the last close without a newer price, and says nothing without candles', () => {
    expect(dayStats([candle(0, 100, 110, 90, 90)], null)?.change).toBeCloseTo(-0.1);
    expect(dayStats([], 5)).toBeNull();
  });

  it('reads the candles answer as numbers, whatever other fields it has', () => {
    const answer = { openTime: 0, open: '1.5', high: '2', low: '1', close: '1.75', volume: '10.25', trades: 3, aggTrades: 2 };
    expect(toCandle(answer)).toEqual({ openTime: 0, open: 1.5, high: 2, low: 1, close: 1.75, volume: 10.25 });
  });
});
