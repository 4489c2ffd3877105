import { CANDLE_INTERVALS, candleWindow } from './candle';

describe('candleWindow', () => {
  const minute = CANDLE_INTERVALS['1m'];
  const t = Date.UTC(2026, 10, 26, 12, 0, 0);

  it('without times: the last `limit` whole intervals up to the one holding now', () => {
    expect(candleWindow({ intervalMs: minute, limit: 3, now: t + 30_000 })).toEqual({ startTime: t - 2 * minute, endTime: t + minute - 1 });
  });

  it('with an endTime only: the `limit` intervals up to the one holding it, that one whole', () => {
    expect(candleWindow({ intervalMs: minute, limit: 2, endTime: t + 5_000, now: t + 10 * minute })).toEqual({ startTime: t - minute, endTime: t + minute - 1 });
  });

  it('with a startTime: from the interval holding it on, at most `limit` intervals, an endTime further away pulled in', () => {
    expect(candleWindow({ intervalMs: minute, limit: 2, startTime: t + 5_000, now: t })).toEqual({ startTime: t, endTime: t + 2 * minute - 1 });
    expect(candleWindow({ intervalMs: minute, limit: 2, startTime: t, endTime: t + 10 * minute, now: t })).toEqual({ startTime: t, endTime: t + 2 * minute - 1 });
    expect(candleWindow({ intervalMs: minute, limit: 5, startTime: t, endTime: t + 90_000, now: t })).toEqual({ startTime: t, endTime: t + 2 * minute - 1 });
    expect(candleWindow({ intervalMs: minute, limit: 5, startTime: t + 1, endTime: t + 2, now: t })).toEqual({ startTime: t, endTime: t + minute - 1 });
  });

  it('never starts before the epoch', () => {
    const day = CANDLE_INTERVALS['1d'];
    expect(candleWindow({ intervalMs: day, limit: 1000, now: 5 * day + 7 })).toEqual({ startTime: 0, endTime: 6 * day - 1 });
  });
});

describe('CANDLE_INTERVALS', () => {
  it('are Binance names of whole seconds, each dividing a day, so candles align to UTC days like Binance', () => {
    expect(Object.keys(CANDLE_INTERVALS)).toEqual(['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d']);
    for (const ms of Object.values(CANDLE_INTERVALS)) {
      expect(CANDLE_INTERVALS['1d'] % ms).toBe(0);
    }
  });
});
