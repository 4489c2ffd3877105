import { ConcurrencyGate } from './concurrency-gate';

function deferred(): { promise: Promise<string>; resolve: (value: string) => void } {
  let resolve: (value: string) => void = () => undefined;
  const promise = new Promise<string>((done) => (resolve = done));
  return { promise, resolve };
}

describe('ConcurrencyGate', () => {
  it('runs at most `concurrency` tasks at once, queues up to `maxWaiting`, and refuses the next at once', async () => {
    const gate = new ConcurrencyGate(2, 1, () => new Error('busy'));
    const tasks = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = tasks.map((task, index) =>
      gate.run(() => {
        started.push(index);
        return task.promise;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    await expect(gate.run(async () => 'late')).rejects.toThrow('busy');

    tasks[0].resolve('first');
    await expect(results[0]).resolves.toBe('first');
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    tasks[1].resolve('second');
    tasks[2].resolve('third');
    await expect(Promise.all(results)).resolves.toEqual(['first', 'second', 'third']);
    await expect(gate.run(async () => 'again')).resolves.toBe('again');
  });

  it('frees a slot when a task fails', async () => {
    const gate = new ConcurrencyGate(1, 0, () => new Error('busy'));
    await expect(gate.run(async () => Promise.reject(new Error('task failed')))).rejects.toThrow('task failed');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });
});
