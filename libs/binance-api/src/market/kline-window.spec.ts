import { klineWindow } from './kline-window';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T = Date.UTC(2026, 10, 26, 12); // a minute, hour and day boundary (12:00 UTC)

describe('the klines a request covers (open times within startTime..endTime)', () => {
  it('without times: the last `limit` up to the current interval', () => {
    expect(klineWindow({ interval: '1m', limit: 3, now: T + 30_000 })).toEqual({ firstOpen: T - 2 * MINUTE, lastOpen: T });
  });

  it('with endTime: the last `limit` opening at or before it', () => {
    expect(klineWindow({ interval: '1m', limit: 2, endTime: T + 59_999, now: T + 10 * MINUTE })).toEqual({ firstOpen: T - MINUTE, lastOpen: T });
  });

  it('with startTime: the first `limit` opening at or after it (a startTime inside an interval starts at the next)', () => {
    expect(klineWindow({ interval: '1m', limit: 2, startTime: T, now: T + 10 * MINUTE })).toEqual({ firstOpen: T, lastOpen: T + MINUTE });
    expect(klineWindow({ interval: '1m', limit: 2, startTime: T + 1, now: T + 10 * MINUTE })).toEqual({ firstOpen: T + MINUTE, lastOpen: T + 2 * MINUTE });
  });

  it('never past the current interval or endTime, and none when startTime comes after them', () => {
    expect(klineWindow({ interval: '1m', limit: 500, startTime: T, now: T + 2 * MINUTE + 5 })).toEqual({ firstOpen: T, lastOpen: T + 2 * MINUTE });
    expect(klineWindow({ interval: '1m', limit: 500, startTime: T, endTime: T + MINUTE, now: T + HOUR })).toEqual({ firstOpen: T, lastOpen: T + MINUTE });
    expect(klineWindow({ interval: '1m', limit: 5, startTime: T + 1, endTime: T + 30_000, now: T + HOUR })).toBeNull();
    expect(klineWindow({ interval: '1m', limit: 5, startTime: T + 2 * HOUR, now: T + HOUR })).toBeNull();
  });

  it('in a time zone: days open at local midnight, startTime and endTime stay UTC', () => {
    const utc8 = { name: '1d', offsetMs: 8 * HOUR } as const;
    // 12:00 UTC is 20:00 at UTC+8: the local day opened at 16:00 UTC the day before; the next opens at 16:00 UTC.
    expect(klineWindow({ interval: utc8, limit: 2, now: T })).toEqual({ firstOpen: T - 44 * HOUR, lastOpen: T - 20 * HOUR });
    expect(klineWindow({ interval: utc8, limit: 1, startTime: T, now: T + 5 * HOUR })).toEqual({ firstOpen: T + 4 * HOUR, lastOpen: T + 4 * HOUR });
  });
});
