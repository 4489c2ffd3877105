import { Backoff } from './backoff';

const policy = { initialMs: 100, maxMs: 1_000, resetAfterMs: 5_000 };

describe('Backoff', () => {
  it('doubles the ceiling per consecutive failure and caps it', () => {
    const backoff = new Backoff(policy, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.nextDelay(0))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('keeps at least half of the ceiling as jitter floor', () => {
    const backoff = new Backoff(policy, () => 0);
    expect([backoff.nextDelay(0), backoff.nextDelay(0), backoff.nextDelay(0)]).toEqual([50, 100, 200]);
  });

  it('does not reset after a short healthy period', () => {
    const backoff = new Backoff(policy, () => 1);
    backoff.nextDelay(0);
    backoff.nextDelay(0);
    backoff.markHealthy(1_000);
    expect(backoff.nextDelay(2_000)).toBe(400);
  });

  it('resets after staying healthy long enough', () => {
    const backoff = new Backoff(policy, () => 1);
    backoff.nextDelay(0);
    backoff.nextDelay(0);
    backoff.markHealthy(1_000);
    expect(backoff.nextDelay(7_000)).toBe(100);
  });
});
