import { IncomingRateLimiter } from './incoming-rate-limiter';

describe('IncomingRateLimiter', () => {
  it('allows five frames in a second and refuses the sixth', () => {
    const limiter = new IncomingRateLimiter(5);
    for (let i = 0; i < 5; i++) {
      expect(limiter.record(1000 + i * 100)).toBe(true);
    }
    expect(limiter.record(1999)).toBe(false);
  });

  it('slides: a frame exactly one second after the oldest is allowed', () => {
    const limiter = new IncomingRateLimiter(5);
    for (let i = 0; i < 5; i++) {
      limiter.record(1000 + i * 10);
    }
    expect(limiter.record(2000)).toBe(true);
    expect(limiter.record(2005)).toBe(false);
  });

  it('never trips at a steady four per second', () => {
    const limiter = new IncomingRateLimiter(5);
    for (let t = 0; t < 10_000; t += 250) {
      expect(limiter.record(t)).toBe(true);
    }
  });

  it('rejects a limit below one', () => {
    expect(() => new IncomingRateLimiter(0)).toThrow(RangeError);
  });
});
