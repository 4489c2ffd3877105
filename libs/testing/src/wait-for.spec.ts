import { sleep, waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first value that is not undefined, null or false, polling until then', async () => {
    const answers: Array<number | null | undefined | false> = [undefined, null, false, 0, 7];
    let probes = 0;
    await expect(waitFor(() => answers[probes++], { what: 'an answer', intervalMs: 1 })).resolves.toBe(0);
    expect(probes).toBe(4);
  });

  it('awaits an async probe', async () => {
    let ready = false;
    setTimeout(() => (ready = true), 20);
    await expect(waitFor(async () => ready, { what: 'ready', intervalMs: 5 })).resolves.toBe(true);
  });

  it('fails after the timeout, naming what it waited for', async () => {
    const startedAt = Date.now();
    await expect(waitFor(() => false, { what: 'a symbol priced', timeoutMs: 50, intervalMs: 5 })).rejects.toThrow(
      'timed out after 50 ms waiting for a symbol priced',
    );
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(50);
  });

  it('retries a probe that throws, and reports its last error on timeout', async () => {
    let probes = 0;
    const failing = (): boolean => {
      probes += 1;
      throw new Error(`refused ${probes}`);
    };
    const error = await waitFor(failing, { what: 'the service', timeoutMs: 30, intervalMs: 5 }).catch((caught: Error) => caught);
    expect(probes).toBeGreaterThan(1);
    expect((error as Error).message).toBe(`timed out after 30 ms waiting for the service: Error: refused ${probes}`);
    expect((error as Error).cause).toEqual(new Error(`refused ${probes}`));
  });

  it('recovers from a probe that threw before it succeeded', async () => {
    let probes = 0;
    const flaky = (): string => {
      probes += 1;
      if (probes < 3) {
        throw new Error('not yet');
      }
      return 'up';
    };
    await expect(waitFor(flaky, { what: 'the service', intervalMs: 1 })).resolves.toBe('up');
  });
});

describe('sleep', () => {
  it('resolves after the given time', async () => {
    const startedAt = Date.now();
    await sleep(30);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(29);
  });
});
