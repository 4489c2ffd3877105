import { candleWindow } from './candle';

describe('candleWindow', () => {
  const minute = 60_000;
  const t = Date.UTC(2026, 10, 26, 12, 0, 0);

  it('without times: the last `limit` whole intervals up to the one holding now', () => {
    expect(candleWindow({ interval: '1m', limit: 3, now: t + 30_000 })).toEqual({ startTime: t - 2 * minute, endTime: t + minute - 1 });
  });

  it('with an endTime only: the `limit` intervals up to the one holding it, that one whole', () => {
    expect(candleWindow({ interval: '1m', limit: 2, endTime: t + 5_000, now: t + 10 * minute })).toEqual({ startTime: t - minute, endTime: t + minute - 1 });
  });

  it('with a startTime: from the interval holding it on, at most `limit` intervals, an endTime further away pulled in', () => {
    expect(candleWindow({ interval: '1m', limit: 2, startTime: t + 5_000, now: t })).toEqual({ startTime: t, endTime: t + 2 * minute - 1 });
    expect(candleWindow({ interval: '1m', limit: 2, startTime: t, endTime: t + 10 * minute, now: t })).toEqual({ startTime: t, endTime: t + 2 * minute - 1 });
    expect(candleWindow({ interval: '1m', limit: 5, startTime: t, endTime: t + 90_000, now: t })).toEqual({ startTime: t, endTime: t + 2 * minute - 1 });
    expect(candleWindow({ interval: '1m', limit: 5, startTime: t + 1, endTime: t + 2, now: t })).toEqual({ startTime: t, endTime: t + minute - 1 });
  });

  it('counts calendar months and Monday weeks', () => {
    expect(candleWindow({ interval: '1M', limit: 3, now: t })).toEqual({ startTime: Date.UTC(2026, 8, 1), endTime: Date.UTC(2026, 11, 1) - 1 });
    expect(candleWindow({ interval: '1M', limit: 2, startTime: Date.UTC(2024, 1, 29, 5), now: t })).toEqual({ startTime: Date.UTC(2024, 1, 1), endTime: Date.UTC(2024, 3, 1) - 1 });
    expect(candleWindow({ interval: '1w', limit: 2, endTime: t, now: t })).toEqual({ startTime: Date.UTC(2026, 10, 16), endTime: Date.UTC(2026, 10, 30) - 1 });
  });

  it('never starts before the candle holding the epoch', () => {
    const day = 86_400_000;
    expect(candleWindow({ interval: '1d', limit: 1000, now: 5 * day + 7 })).toEqual({ startTime: 0, endTime: 6 * day - 1 });
    expect(candleWindow({ interval: '1M', limit: 1000, now: Date.UTC(1970, 2, 3) })).toEqual({ startTime: 0, endTime: Date.UTC(1970, 3, 1) - 1 });
  });
});
