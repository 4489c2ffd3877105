import { FlushTarget, RetryingFlush } from './retrying-flush';

/** A backlog of named batches whose writes the test settles by hand (or fails a given number of times). */
class FakeTarget implements FlushTarget<string> {
  readonly backlog: string[] = [];
  readonly writes: Array<{ batch: string; at: number }> = [];
  readonly stores: string[] = [];
  readonly failures: Array<{ batch: string; firstFailure: boolean }> = [];
  recoveries = 0;
  /** The next writes fail this many times in a row, at once. */
  failNext = 0;
  /** When set, writes wait for `settle()`. */
  manual = false;
  private pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  constructor(...batches: string[]) {
    this.backlog.push(...batches);
  }

  take(): string | null {
    return this.backlog.shift() ?? null;
  }

  write(batch: string): Promise<unknown> {
    this.writes.push({ batch, at: Date.now() });
    if (this.manual) {
      return new Promise<void>((resolve, reject) => this.pending.push({ resolve, reject }));
    }
    if (this.failNext > 0) {
      this.failNext -= 1;
      return Promise.reject(new Error('store down'));
    }
    return Promise.resolve();
  }

  settle(outcome: 'ok' | 'fail'): void {
    const write = this.pending.shift();
    if (outcome === 'ok') write?.resolve();
    else write?.reject(new Error('store down'));
  }

  stored(batch: string): void {
    this.stores.push(batch);
  }

  failed(batch: string, _error: Error, firstFailure: boolean): void {
    this.failures.push({ batch, firstFailure });
    this.backlog.unshift(batch);
  }

  recovered(): void {
    this.recoveries += 1;
  }

  nextDelayMs(): number | null {
    return this.backlog.length === 0 ? null : 1_000;
  }
}

describe('RetryingFlush', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('keeps one write in flight: a second flush returns the first one and writes nothing more', async () => {
    const target = new FakeTarget('a', 'b');
    target.manual = true;
    const flush = new RetryingFlush(target);
    const first = flush.flush();
    const second = flush.flush();
    expect(second).toBe(first);
    expect(flush.busy).toBe(true);
    expect(target.writes.map(({ batch }) => batch)).toEqual(['a']);
    target.settle('ok');
    await first;
    expect(flush.busy).toBe(false);
    expect(target.stores).toEqual(['a']);
  });

  it('retries a failed batch after 100, 200, 400 … ms, doubling up to 5 s, until the store takes it', async () => {
    const target = new FakeTarget('a', 'b');
    target.failNext = 8;
    const flush = new RetryingFlush(target);
    void flush.flush();
    await jest.advanceTimersByTimeAsync(60_000);
    const times = target.writes.map(({ at }) => at);
    const delays = times.slice(1).map((at, index) => at - times[index]);
    expect(delays.slice(0, 8)).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000]);
    expect(target.writes.slice(0, 9).map(({ batch }) => batch)).toEqual(Array(9).fill('a'));
    // After the success the backlog goes on at the target's own pace, not the retry's.
    expect(delays[8]).toBe(1_000);
    expect(target.stores).toEqual(['a', 'b']);
  });

  it('starts the retry delay at 100 ms again after a success', async () => {
    const target = new FakeTarget('a', 'b', 'c');
    target.failNext = 3;
    const flush = new RetryingFlush(target);
    void flush.flush();
    await jest.advanceTimersByTimeAsync(700); // fails at 0, 100, 300; stored at 700
    expect(target.stores).toEqual(['a']);
    target.failNext = 1;
    await jest.advanceTimersByTimeAsync(1_000); // 'b' fails at 1,700
    await jest.advanceTimersByTimeAsync(100);
    expect(target.writes.map(({ at }) => at)).toEqual([0, 100, 300, 700, 1_700, 1_800]);
    expect(target.stores).toEqual(['a', 'b']);
  });

  it('refuses to write now while a write is in flight or a failed one waits for its retry', async () => {
    const target = new FakeTarget('a', 'b');
    target.manual = true;
    const flush = new RetryingFlush(target);
    expect(flush.now()).toBe(true);
    expect(flush.now()).toBe(false);
    target.settle('fail');
    await jest.advanceTimersByTimeAsync(0);
    expect(flush.busy).toBe(false);
    expect(flush.now()).toBe(false);
    expect(target.writes).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(100);
    expect(target.writes.map(({ batch }) => batch)).toEqual(['a', 'a']);
    target.settle('ok');
    await jest.advanceTimersByTimeAsync(0);
    expect(flush.now()).toBe(true);
    expect(target.writes.map(({ batch }) => batch)).toEqual(['a', 'a', 'b']);
  });

  it('keeps a write already scheduled when asked to write within some other delay', async () => {
    const target = new FakeTarget('a');
    const flush = new RetryingFlush(target);
    flush.within(300);
    flush.within(50);
    flush.within(1_000);
    await jest.advanceTimersByTimeAsync(299);
    expect(target.writes).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(target.writes).toEqual([{ batch: 'a', at: 300 }]);
  });

  it('after stop schedules nothing more, neither a pending write nor a retry, but still writes on an explicit flush', async () => {
    const target = new FakeTarget('a', 'b');
    target.failNext = 1;
    const flush = new RetryingFlush(target);
    flush.within(100);
    flush.stop();
    flush.within(100);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(target.writes).toEqual([]);
    await flush.flush();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(target.writes.map(({ batch }) => batch)).toEqual(['a']);
    expect(target.failures).toEqual([{ batch: 'a', firstFailure: true }]);
    await flush.flush();
    expect(target.stores).toEqual(['a']);
  });

  it('reports recovery once after an outage and never without one', async () => {
    const target = new FakeTarget('a', 'b', 'c');
    const flush = new RetryingFlush(target);
    flush.stop();
    await flush.flush();
    expect(target.recoveries).toBe(0);
    target.failNext = 2;
    await flush.flush();
    await flush.flush();
    expect(flush.healthy).toBe(false);
    await flush.flush();
    expect(flush.healthy).toBe(true);
    await flush.flush();
    expect(target.stores).toEqual(['a', 'b', 'c']);
    expect(target.recoveries).toBe(1);
  });

  it('marks only the first failure of each outage as the first', async () => {
    const target = new FakeTarget('a', 'b');
    const flush = new RetryingFlush(target);
    flush.stop();
    target.failNext = 3;
    for (let attempt = 0; attempt < 4; attempt += 1) await flush.flush();
    target.failNext = 2;
    for (let attempt = 0; attempt < 3; attempt += 1) await flush.flush();
    expect(target.failures).toEqual([
      { batch: 'a', firstFailure: true },
      { batch: 'a', firstFailure: false },
      { batch: 'a', firstFailure: false },
      { batch: 'b', firstFailure: true },
      { batch: 'b', firstFailure: false },
    ]);
    expect(target.stores).toEqual(['a', 'b']);
  });
  it('waits out the backoff after a failed write even when a write was asked for while it was in flight', async () => {
    const target = new FakeTarget('a');
    target.manual = true;
    const flush = new RetryingFlush(target);
    void flush.flush();
    await jest.advanceTimersByTimeAsync(5);
    target.backlog.push('b');
    flush.within(20);
    await jest.advanceTimersByTimeAsync(5);
    target.settle('fail');
    target.manual = false;
    await jest.advanceTimersByTimeAsync(1_200);
    expect(target.writes).toEqual([
      { batch: 'a', at: 0 },
      { batch: 'a', at: 110 },
      { batch: 'b', at: 1_110 },
    ]);
  });

  it("writes at the target's pace after a write, even when a later write was asked for while it was in flight", async () => {
    class FullTarget extends FakeTarget {
      override nextDelayMs(): number | null {
        return this.backlog.length === 0 ? null : 0;
      }
    }
    const target = new FullTarget('a');
    target.manual = true;
    const flush = new RetryingFlush(target);
    void flush.flush();
    await jest.advanceTimersByTimeAsync(5);
    target.backlog.push('b');
    flush.within(1_000);
    await jest.advanceTimersByTimeAsync(5);
    target.settle('ok');
    await jest.advanceTimersByTimeAsync(0);
    expect(target.writes).toEqual([
      { batch: 'a', at: 0 },
      { batch: 'b', at: 10 },
    ]);
  });

  describe('progress, for liveness', () => {
    it('owes nothing while idle, and a scheduled write from when it is due', () => {
      const flush = new RetryingFlush(new FakeTarget('a'));
      expect(flush.progress(5_000)).toEqual({ waitingSince: null, stepWithinMs: 5_000 });
      flush.within(300);
      expect(flush.progress(5_000).waitingSince).toBe(300);
    });

    it('keeps ending its steps while the store refuses every write: each failure is a step, the retry owed from when it is due', async () => {
      const target = new FakeTarget('a');
      target.failNext = 1_000;
      const flush = new RetryingFlush(target);
      void flush.flush();
      await jest.advanceTimersByTimeAsync(60_000);
      const { waitingSince } = flush.progress(5_000);
      // The next retry is at most the 5 s backoff away, never a write started long ago.
      expect(waitingSince).not.toBeNull();
      expect(Math.abs(Date.now() - (waitingSince as number))).toBeLessThanOrEqual(5_000);
      expect(flush.healthy).toBe(false);
      expect(flush.failingSince).toBe(0);
    });

    it('owes the step from the start of a write that never settles', async () => {
      const target = new FakeTarget('a');
      target.manual = true;
      const flush = new RetryingFlush(target);
      await jest.advanceTimersByTimeAsync(1_000);
      void flush.flush();
      await jest.advanceTimersByTimeAsync(60_000);
      expect(flush.progress(5_000).waitingSince).toBe(1_000);
      target.settle('ok');
      await jest.advanceTimersByTimeAsync(0);
      expect(flush.progress(5_000).waitingSince).toBeNull();
    });

    it('says since when writes fail, and forgets it at the first success', async () => {
      const target = new FakeTarget('a', 'b');
      target.failNext = 2;
      const flush = new RetryingFlush(target);
      await jest.advanceTimersByTimeAsync(50);
      void flush.flush();
      await jest.advanceTimersByTimeAsync(100);
      expect(flush.failingSince).toBe(50);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(flush.failingSince).toBeNull();
    });

    it('owes nothing once stopped', () => {
      const flush = new RetryingFlush(new FakeTarget('a'));
      flush.within(100);
      flush.stop();
      expect(flush.progress(5_000).waitingSince).toBeNull();
    });
  });
});
