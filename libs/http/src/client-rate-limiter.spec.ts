import { ClientRateLimiter } from './client-rate-limiter';

describe('ClientRateLimiter', () => {
  it('lets a new client through for a whole burst, then refuses it with the seconds until one more request is allowed', () => {
    const limiter = new ClientRateLimiter({ perSecond: 2, burst: 3 });
    expect([0, 1, 2].map(() => limiter.take('10.0.0.1', 1_000))).toEqual([0, 0, 0]);
    expect(limiter.take('10.0.0.1', 1_000)).toBe(1);
  });

  it('refills at the rate: half a second later one more request at 2 per second', () => {
    const limiter = new ClientRateLimiter({ perSecond: 2, burst: 1 });
    expect(limiter.take('10.0.0.1', 0)).toBe(0);
    expect(limiter.take('10.0.0.1', 250)).toBe(1);
    expect(limiter.take('10.0.0.1', 500)).toBe(0);
  });

  it('never holds more than a burst, however long a client was idle', () => {
    const limiter = new ClientRateLimiter({ perSecond: 10, burst: 2 });
    limiter.take('10.0.0.1', 0);
    expect([0, 0, 0].map(() => limiter.take('10.0.0.1', 3_600_000))).toEqual([0, 0, 1]);
  });

  it('says how many whole seconds to wait at a slow rate, and refused requests do not push the wait further', () => {
    const limiter = new ClientRateLimiter({ perSecond: 1, burst: 1 });
    limiter.take('10.0.0.1', 0);
    // Rounded up: 100 ms in, the next request is allowed 900 ms later.
    expect(limiter.take('10.0.0.1', 100)).toBe(1);
    expect(limiter.take('10.0.0.1', 200)).toBe(1);
    expect(limiter.take('10.0.0.1', 1_000)).toBe(0);
  });

  it('rounds the wait up to whole seconds below one request per second', () => {
    const limiter = new ClientRateLimiter({ perSecond: 0.25, burst: 1 });
    limiter.take('10.0.0.1', 0);
    expect(limiter.take('10.0.0.1', 500)).toBe(4);
  });

  it('counts each client on its own', () => {
    const limiter = new ClientRateLimiter({ perSecond: 1, burst: 1 });
    expect(limiter.take('10.0.0.1', 0)).toBe(0);
    expect(limiter.take('10.0.0.1', 0)).toBe(1);
    expect(limiter.take('10.0.0.2', 0)).toBe(0);
  });

  it('does not refill backwards when the clock steps back', () => {
    const limiter = new ClientRateLimiter({ perSecond: 1, burst: 1 });
    limiter.take('10.0.0.1', 5_000);
    expect(limiter.take('10.0.0.1', 1_000)).toBe(1);
    expect(limiter.take('10.0.0.1', 2_000)).toBe(1);
  });

  it('forgets clients idle long enough to have a full burst again, so memory follows the active clients', () => {
    const limiter = new ClientRateLimiter({ perSecond: 1, burst: 2 });
    limiter.take('10.0.0.1', 0);
    limiter.take('10.0.0.2', 0);
    expect(limiter.clientCount).toBe(2);
    limiter.take('10.0.0.2', 59_000);
    limiter.take('10.0.0.3', 60_000);
    // 10.0.0.1 had its whole burst back and was dropped; 10.0.0.2 and 10.0.0.3 were just served.
    expect(limiter.clientCount).toBe(2);
    expect(limiter.take('10.0.0.1', 60_000)).toBe(0);
  });
});
