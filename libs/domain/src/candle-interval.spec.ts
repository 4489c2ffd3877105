import { CANDLE_INTERVAL_NAMES, candleCloseTime, candleIntervalName, candleOpenTime, candleOpenTimeAfter } from './candle-interval';

const HOUR = 3_600_000;

describe('candle intervals', () => {
  const t = Date.UTC(2026, 10, 26, 13, 47, 12, 345); // a Thursday

  it('are every interval Binance offers, shortest first', () => {
    expect(CANDLE_INTERVAL_NAMES).toEqual(['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M']);
  });

  it('open intervals up to a day on multiples of their length from the epoch, UTC', () => {
    expect(candleOpenTime('1s', t)).toBe(Date.UTC(2026, 10, 26, 13, 47, 12));
    expect(candleOpenTime('5m', t)).toBe(Date.UTC(2026, 10, 26, 13, 45));
    expect(candleOpenTime('4h', t)).toBe(Date.UTC(2026, 10, 26, 12));
    expect(candleOpenTime('1d', t)).toBe(Date.UTC(2026, 10, 26));
  });

  it('open 3d candles every third day from the epoch', () => {
    const open = candleOpenTime('3d', t);
    expect(open % (3 * 86_400_000)).toBe(0);
    expect(t - open).toBeLessThan(3 * 86_400_000);
    expect(candleOpenTime('3d', Date.UTC(1970, 0, 3, 23))).toBe(0);
    expect(candleOpenTime('3d', Date.UTC(1970, 0, 4))).toBe(Date.UTC(1970, 0, 4));
  });

  it('open weeks on Monday 00:00 UTC', () => {
    expect(candleOpenTime('1w', t)).toBe(Date.UTC(2026, 10, 23));
    expect(new Date(candleOpenTime('1w', t)).getUTCDay()).toBe(1);
    expect(candleOpenTime('1w', Date.UTC(2026, 10, 30))).toBe(Date.UTC(2026, 10, 30));
    expect(candleOpenTime('1w', Date.UTC(2026, 10, 29, 23, 59, 59, 999))).toBe(Date.UTC(2026, 10, 23));
    expect(candleOpenTime('1w', 0)).toBe(Date.UTC(1969, 11, 29));
  });

  it('open months on the first of the calendar month, UTC, whatever their length', () => {
    expect(candleOpenTime('1M', t)).toBe(Date.UTC(2026, 10, 1));
    expect(candleCloseTime('1M', Date.UTC(2028, 1, 1))).toBe(Date.UTC(2028, 2, 1) - 1);
    expect(candleOpenTimeAfter('1M', Date.UTC(2026, 10, 1), 3)).toBe(Date.UTC(2027, 1, 1));
    expect(candleOpenTimeAfter('1M', Date.UTC(2026, 1, 1), -14)).toBe(Date.UTC(2024, 11, 1));
  });

  it('close one millisecond before the next opens', () => {
    for (const interval of CANDLE_INTERVAL_NAMES) {
      const open = candleOpenTime(interval, t);
      expect(candleCloseTime(interval, open)).toBe(candleOpenTimeAfter(interval, open) - 1);
      expect(candleOpenTime(interval, candleCloseTime(interval, open))).toBe(open);
      expect(candleOpenTime(interval, candleCloseTime(interval, open) + 1)).toBe(candleOpenTimeAfter(interval, open));
    }
  });

  describe('in a time zone (Binance klines timeZone): boundaries of the local clock, times in epoch ms', () => {
    const utc8 = { name: '1d', offsetMs: 8 * HOUR } as const;

    it('open days at local midnight: 16:00 UTC the day before at UTC+8, 05:00 UTC at UTC−5', () => {
      expect(candleOpenTime(utc8, t)).toBe(Date.UTC(2026, 10, 25, 16));
      expect(candleOpenTime(utc8, Date.UTC(2026, 10, 26, 16))).toBe(Date.UTC(2026, 10, 26, 16));
      expect(candleOpenTime({ name: '1d', offsetMs: -5 * HOUR }, t)).toBe(Date.UTC(2026, 10, 26, 5));
      expect(candleCloseTime(utc8, Date.UTC(2026, 10, 25, 16))).toBe(Date.UTC(2026, 10, 26, 16) - 1);
    });

    it('leave intervals up to an hour alone for whole-hour offsets, and move them by the minutes of the others', () => {
      for (const name of ['1s', '1m', '5m', '15m', '30m', '1h'] as const) {
        expect(candleOpenTime({ name, offsetMs: 8 * HOUR }, t)).toBe(candleOpenTime(name, t));
      }
      const kathmandu = 5 * HOUR + 45 * 60_000;
      expect(candleOpenTime({ name: '1h', offsetMs: kathmandu }, t)).toBe(Date.UTC(2026, 10, 26, 13, 15));
      expect(candleOpenTime({ name: '30m', offsetMs: kathmandu }, t)).toBe(Date.UTC(2026, 10, 26, 13, 45));
      expect(candleOpenTime({ name: '15m', offsetMs: kathmandu }, t)).toBe(Date.UTC(2026, 10, 26, 13, 45));
    });

    it('open weeks on the local Monday and months on the local first', () => {
      expect(candleOpenTime({ name: '1w', offsetMs: 8 * HOUR }, t)).toBe(Date.UTC(2026, 10, 22, 16));
      expect(candleOpenTime({ name: '1M', offsetMs: 8 * HOUR }, t)).toBe(Date.UTC(2026, 9, 31, 16));
      expect(candleOpenTime({ name: '1M', offsetMs: 8 * HOUR }, Date.UTC(2026, 10, 30, 16))).toBe(Date.UTC(2026, 10, 30, 16));
      expect(candleOpenTimeAfter({ name: '1M', offsetMs: -12 * HOUR }, Date.UTC(2026, 1, 1, 12), 1)).toBe(Date.UTC(2026, 2, 1, 12));
    });

    it('close one millisecond before the next opens, in any zone', () => {
      for (const name of CANDLE_INTERVAL_NAMES) {
        for (const offsetMs of [-12 * HOUR, 5 * HOUR + 45 * 60_000, 14 * HOUR]) {
          const interval = { name, offsetMs };
          const open = candleOpenTime(interval, t);
          expect(open).toBeLessThanOrEqual(t);
          expect(candleOpenTime(interval, candleCloseTime(interval, open))).toBe(open);
          expect(candleOpenTime(interval, candleCloseTime(interval, open) + 1)).toBe(candleOpenTimeAfter(interval, open));
          expect(candleIntervalName(interval)).toBe(name);
        }
      }
    });
  });
});
