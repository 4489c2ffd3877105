import { RequestWeightLimiter } from './request-weight-limiter';

describe('RequestWeightLimiter', () => {
  const minute = 60_000;

  it('reports used weight and resets at the minute boundary', () => {
    const limiter = new RequestWeightLimiter(100);
    expect(limiter.consume('ip', 20, 10 * minute + 1)).toEqual({ usedWeight: 20 });
    expect(limiter.consume('ip', 20, 10 * minute + 2)).toEqual({ usedWeight: 40 });
    expect(limiter.consume('ip', 1, 11 * minute)).toEqual({ usedWeight: 1 });
  });

  it('answers 429 with Retry-After until the window ends', () => {
    const limiter = new RequestWeightLimiter(10);
    limiter.consume('ip', 10, 5 * minute);
    const decision = limiter.consume('ip', 1, 5 * minute + 30_000);
    expect(decision.error?.status).toBe(429);
    expect(decision.error?.code).toBe(-1003);
    expect(decision.error?.retryAfterSec).toBe(30);
  });

  it('bans with 418 when the client keeps going after 429s, and doubles the next ban', () => {
    const limiter = new RequestWeightLimiter(1);
    const now = 5 * minute;
    limiter.consume('ip', 1, now);
    const statuses = Array.from({ length: 7 }, () => limiter.consume('ip', 1, now).error?.status);
    expect(statuses).toEqual([429, 429, 429, 429, 429, 418, 418]);
    const banned = limiter.consume('ip', 1, now + 1000).error;
    expect(banned?.msg).toMatch(/IP banned until \d+/);
    expect(banned?.retryAfterSec).toBe(119);
    expect(limiter.consume('other', 1, now).error).toBeUndefined();
  });
});
