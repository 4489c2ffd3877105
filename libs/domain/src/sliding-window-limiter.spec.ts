import { SlidingWindowLimiter } from './sliding-window-limiter';

describe('SlidingWindowLimiter', () => {
  it('allows up to the limit within one window', () => {
    const limiter = new SlidingWindowLimiter(3, 1_000);
    expect([0, 10, 20, 30].map((now) => limiter.tryTake(now))).toEqual([true, true, true, false]);
  });

  it('says how long until the oldest event leaves the window', () => {
    const limiter = new SlidingWindowLimiter(2, 1_000);
    limiter.tryTake(100);
    limiter.tryTake(400);
    expect(limiter.delayUntilAllowed(500)).toBe(600);
    expect(limiter.tryTake(1_100)).toBe(true);
  });

  it('counts recorded events that it did not grant', () => {
    const limiter = new SlidingWindowLimiter(2, 1_000);
    limiter.record(0);
    limiter.record(1);
    expect(limiter.tryTake(2)).toBe(false);
    expect(limiter.countInWindow(2)).toBe(2);
  });

  it('never lets more than the limit through in any window over a long run', () => {
    const limiter = new SlidingWindowLimiter(5, 1_000);
    const granted: number[] = [];
    for (let now = 0; now < 10_000; now += 7) {
      if (limiter.tryTake(now)) granted.push(now);
    }
    for (const start of granted) {
      expect(granted.filter((time) => time >= start && time < start + 1_000).length).toBeLessThanOrEqual(5);
    }
    expect(granted.length).toBeGreaterThanOrEqual(45);
  });
});
