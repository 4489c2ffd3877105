import { RequestWeightLimiter } from './request-weight.limiter';

const MINUTE_START = 1_700_000_040_000;

describe('request weight per client per clock minute', () => {
  it('counts weight per client and refuses what would pass the limit, with the seconds left in the minute', () => {
    const limiter = new RequestWeightLimiter(25);
    expect(limiter.consume('a', 20, MINUTE_START + 1_000)).toEqual({ usedWeight: 20, retryAfterSec: 0 });
    expect(limiter.consume('b', 20, MINUTE_START + 1_000)).toEqual({ usedWeight: 20, retryAfterSec: 0 });
    expect(limiter.consume('a', 20, MINUTE_START + 30_500)).toEqual({ usedWeight: 20, retryAfterSec: 30 });
    expect(limiter.consume('a', 5, MINUTE_START + 30_500)).toEqual({ usedWeight: 25, retryAfterSec: 0 });
  });

  it('starts again at the next minute', () => {
    const limiter = new RequestWeightLimiter(10);
    limiter.consume('a', 10, MINUTE_START);
    expect(limiter.consume('a', 1, MINUTE_START + 60_000)).toEqual({ usedWeight: 1, retryAfterSec: 0 });
  });
});
