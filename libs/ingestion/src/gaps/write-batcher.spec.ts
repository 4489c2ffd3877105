import { sleep } from '@binance-rates/testing';
import { WriteBatcher } from './write-batcher';

describe('WriteBatcher', () => {
  it('writes the first item at once and what arrives meanwhile together, at most maxBatch at a time', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new WriteBatcher<number, string>(async (items) => {
      batches.push(items);
      if (batches.length === 1) {
        await new Promise<void>((resolve) => (release = resolve));
      }
      return items.map((item) => `#${item}`);
    }, 3);
    const results = [1, 2, 3, 4, 5, 6].map((item) => batcher.submit(item));
    expect(batcher.idle).toBe(false);
    release();
    await expect(Promise.all(results)).resolves.toEqual(['#1', '#2', '#3', '#4', '#5', '#6']);
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    await batcher.settled();
    expect(batcher.idle).toBe(true);
  });

  it('fails every item of a failed batch and goes on with the next', async () => {
    let calls = 0;
    const batcher = new WriteBatcher<string, string>(async (items) => {
      calls += 1;
      if (calls === 2) {
        throw new Error('down');
      }
      return items;
    }, 10);
    const first = batcher.submit('a');
    const failed = [batcher.submit('b'), batcher.submit('c')];
    await expect(first).resolves.toBe('a');
    for (const result of failed) {
      await expect(result).rejects.toThrow('down');
    }
    await expect(batcher.submit('d')).resolves.toBe('d');
    expect(calls).toBe(3);
  });

  it('writes an item submitted by the continuation of the batch that just finished', async () => {
    const batcher = new WriteBatcher<number, number>(async (items) => items, 10);
    const next = batcher.submit(1).then(() => batcher.submit(2));
    const stranded = sleep(500).then(() => 'stranded');
    await expect(Promise.race([next, stranded])).resolves.toBe(2);
  });
});
