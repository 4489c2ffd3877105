import { settlesWithin } from './settles-within';

describe('settlesWithin', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is true for work that resolves or rejects in time', async () => {
    const resolved = settlesWithin(new Promise((resolve) => setTimeout(resolve, 50)), 100);
    const rejected = settlesWithin(new Promise((_, reject) => setTimeout(() => reject(new Error('boom')), 50)), 100);
    await jest.advanceTimersByTimeAsync(50);
    await expect(resolved).resolves.toBe(true);
    await expect(rejected).resolves.toBe(true);
  });

  it('is false once the time is up while the work still runs, and leaves no timer behind', async () => {
    const outcome = settlesWithin(new Promise(() => undefined), 100);
    await jest.advanceTimersByTimeAsync(99);
    let settled = false;
    void outcome.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('clears its timer when the work wins', async () => {
    await expect(settlesWithin(Promise.resolve('done'), 10_000)).resolves.toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });
});
