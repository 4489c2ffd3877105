import { ShutdownStep, runShutdownSequence } from './shutdown-sequence';

describe('runShutdownSequence', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs the steps one after the other, each after the previous one settled', async () => {
    const order: string[] = [];
    const step = (name: string, ms: number): ShutdownStep => ({
      name,
      share: 0.5,
      run: async () => {
        order.push(`${name} started`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(`${name} done`);
      },
    });
    const running = runShutdownSequence([step('a', 30), step('b', 10), step('c', 0)], 1_000, () => undefined);
    await jest.advanceTimersByTimeAsync(100);
    await expect(running).resolves.toEqual([]);
    expect(order).toEqual(['a started', 'a done', 'b started', 'b done', 'c started', 'c done']);
  });

  it('cuts a hung step at its share of the budget and goes on with the next', async () => {
    const cuts: string[] = [];
    let nextStartedAt: number | null = null;
    const startedAt = Date.now();
    const running = runShutdownSequence(
      [
        { name: 'hangs', share: 0.25, run: () => new Promise(() => undefined) },
        { name: 'next', share: 0.5, run: () => void (nextStartedAt = Date.now()) },
      ],
      1_000,
      (step, reason) => cuts.push(`${step.name}: ${reason}`),
    );
    await jest.advanceTimersByTimeAsync(249);
    expect(nextStartedAt).toBeNull();
    await jest.advanceTimersByTimeAsync(1);
    await expect(running).resolves.toEqual(['hangs']);
    expect(nextStartedAt).toBe(startedAt + 250);
    expect(cuts).toEqual(['hangs: still running after 250 ms']);
  });

  it('reports a step that throws, synchronously or not, and still runs the rest', async () => {
    const ran: string[] = [];
    const running = runShutdownSequence(
      [
        { name: 'throws', share: 0.1, run: () => { throw new Error('boom'); } },
        { name: 'rejects', share: 0.1, run: () => Promise.reject(new Error('refused')) },
        { name: 'last', share: 0.1, run: () => void ran.push('last') },
      ],
      1_000,
      (step, reason) => ran.push(`${step.name}: ${reason}`),
    );
    await jest.advanceTimersByTimeAsync(0);
    await expect(running).resolves.toEqual(['throws', 'rejects']);
    expect(ran).toEqual(['throws: boom', 'rejects: refused', 'last']);
  });
});
