import { type TradeRun, lastIdOf } from '@binance-rates/domain';
import { aggTrade } from '@binance-rates/testing';
import { HistoryLane, HistoryLaneOptions } from './history-lane';

const FLUSH_INTERVAL_MS = 1_000;

/** `SYMBOL#id` of each trade of the runs, in order. */
function rowsOf(runs: readonly TradeRun[]): string[] {
  return runs.flatMap((run) => Array.from({ length: lastIdOf(run) - run.firstId + 1 }, (_, i) => `${run.symbol}#${run.firstId + i}`));
}

/** A lane whose inserts are recorded (and fail while `failing` says so), with no database behind it. */
function laneWith(overrides: Partial<HistoryLaneOptions> = {}) {
  const inserts: Array<{ rows: string[]; count: number; at: number }> = [];
  const stored: number[] = [];
  let failures = 0;
  const state = { failing: 0 };
  const lane = new HistoryLane({
    batchSize: 3,
    flushIntervalMs: FLUSH_INTERVAL_MS,
    insert: (runs) => {
      inserts.push({ rows: rowsOf(runs), count: runs.reduce((sum, run) => sum + run.count, 0), at: Date.now() });
      if (state.failing > 0) {
        state.failing -= 1;
        return Promise.reject(new Error('connection refused'));
      }
      return Promise.resolve();
    },
    onStored: (count) => stored.push(count),
    onFailure: () => (failures += 1),
    gate: () => null,
    ...overrides,
  });
  return { lane, inserts, stored, state, failures: () => failures };
}

function pushAll(lane: HistoryLane, ids: number[]): void {
  for (const id of ids) lane.push(aggTrade({ tradeId: id }));
}

describe('HistoryLane', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('writes batches of at most batchSize rows, in push order', async () => {
    const { lane, inserts, stored } = laneWith();
    pushAll(lane, [1, 2, 3, 4, 5, 6, 7]);
    await jest.advanceTimersByTimeAsync(3 * FLUSH_INTERVAL_MS);
    expect(inserts.map(({ rows, count }) => ({ rows, count }))).toEqual([
      { rows: ['BTCUSDT#1', 'BTCUSDT#2', 'BTCUSDT#3'], count: 3 },
      { rows: ['BTCUSDT#4', 'BTCUSDT#5', 'BTCUSDT#6'], count: 3 },
      { rows: ['BTCUSDT#7'], count: 1 },
    ]);
    expect(stored).toEqual([3, 3, 1]);
  });

  it('writes a partial batch once the flush interval has passed', async () => {
    const { lane, inserts } = laneWith({ batchSize: 10 });
    pushAll(lane, [1, 2]);
    await jest.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS - 1);
    expect(inserts).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(inserts).toEqual([{ rows: ['BTCUSDT#1', 'BTCUSDT#2'], count: 2, at: FLUSH_INTERVAL_MS }]);
  });

  it('writes a full backlog at once, without waiting for a timer', () => {
    const { lane, inserts } = laneWith();
    pushAll(lane, [1, 2]);
    expect(inserts).toEqual([]);
    lane.push(aggTrade({ tradeId: 3 }));
    expect(inserts).toEqual([{ rows: ['BTCUSDT#1', 'BTCUSDT#2', 'BTCUSDT#3'], count: 3, at: 0 }]);
    expect(lane.busy).toBe(true);
  });

  it('retries a failed batch before anything pushed after it, reordering nothing', async () => {
    const { lane, inserts, stored, state, failures } = laneWith();
    state.failing = 1;
    pushAll(lane, [1, 2, 3]);
    await jest.advanceTimersByTimeAsync(0);
    expect(lane.healthy).toBe(false);
    pushAll(lane, [4, 5]);
    await jest.advanceTimersByTimeAsync(100 + FLUSH_INTERVAL_MS);
    expect(inserts.map(({ rows }) => rows)).toEqual([
      ['BTCUSDT#1', 'BTCUSDT#2', 'BTCUSDT#3'],
      ['BTCUSDT#1', 'BTCUSDT#2', 'BTCUSDT#3'],
      ['BTCUSDT#4', 'BTCUSDT#5'],
    ]);
    expect(inserts.map(({ at }) => at)).toEqual([0, 100, 100 + FLUSH_INTERVAL_MS]);
    expect(stored).toEqual([3, 2]);
    expect(failures()).toBe(1);
    expect(lane.healthy).toBe(true);
  });

  it('resolves whenStored with true once every trade pushed so far is stored', async () => {
    const { lane } = laneWith();
    await expect(lane.whenStored()).resolves.toBe(true);
    pushAll(lane, [1, 2]);
    let settled: boolean | null = null;
    void lane.whenStored().then((value) => (settled = value));
    lane.push(aggTrade({ tradeId: 3 })); // a full batch, written now: still only what was pushed before the call counts
    pushAll(lane, [4]);
    await jest.advanceTimersByTimeAsync(0);
    expect(settled).toBe(true);
    let later: boolean | null = null;
    void lane.whenStored().then((value) => (later = value));
    await jest.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS - 1);
    expect(later).toBeNull();
    await jest.advanceTimersByTimeAsync(1);
    expect(later).toBe(true);
  });

  it('resolves whenStored with false when the lane stops before the trades are stored', async () => {
    const { lane, inserts } = laneWith();
    pushAll(lane, [1]);
    const storedAll = lane.whenStored();
    lane.stop();
    await expect(storedAll).resolves.toBe(false);
    await jest.advanceTimersByTimeAsync(10 * FLUSH_INTERVAL_MS);
    expect(inserts).toEqual([]);
  });

  it('resolves whenStored with false when asked after the lane stopped with trades not stored', async () => {
    const { lane } = laneWith();
    pushAll(lane, [1]);
    lane.stop();
    await expect(lane.whenStored()).resolves.toBe(false);
  });

  it('holds the insert until the gate settles', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { lane, inserts } = laneWith({ gate: () => gate });
    pushAll(lane, [1, 2, 3]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(inserts).toEqual([]);
    expect(lane.busy).toBe(true);
    open();
    await jest.advanceTimersByTimeAsync(0);
    expect(inserts.map(({ rows }) => rows)).toEqual([['BTCUSDT#1', 'BTCUSDT#2', 'BTCUSDT#3']]);
  });

  it('still inserts when the gate rejects', async () => {
    const { lane, inserts, stored, failures } = laneWith({ gate: () => Promise.reject(new Error('gate broke')) });
    pushAll(lane, [1, 2, 3]);
    await jest.advanceTimersByTimeAsync(0);
    expect(inserts.map(({ rows }) => rows)).toEqual([['BTCUSDT#1', 'BTCUSDT#2', 'BTCUSDT#3']]);
    expect(stored).toEqual([3]);
    expect(failures()).toBe(0);
  });

  it.each([
    ['a price with a backslash', { price: '1\\0' }],
    ['a non-ASCII symbol', { symbol: 'BTCÜSDT' }],
    ['a trade id beyond 2^53', { tradeId: 2 ** 53 }],
    ['a fractional trade time', { tradeTime: 1.5 }],
    ['a trade time Date cannot hold', { tradeTime: 9e15 }],
  ])('refuses %s with a RangeError and leaves the lane as it was', async (_name, fields) => {
    const { lane, inserts, stored } = laneWith();
    pushAll(lane, [1, 2]);
    expect(() => lane.push(aggTrade({ tradeId: 99, ...fields }))).toThrow(RangeError);
    expect(inserts).toEqual([]); // the refused trade did not count towards a full batch
    lane.push(aggTrade({ tradeId: 3 }));
    await jest.advanceTimersByTimeAsync(0);
    expect(inserts).toEqual([{ rows: ['BTCUSDT#1', 'BTCUSDT#2', 'BTCUSDT#3'], count: 3, at: 0 }]);
    expect(stored).toEqual([3]);
    await expect(lane.whenStored()).resolves.toBe(true);
  });

  it('holds back the rows of a symbol whose found range is not recorded yet, and writes the others', async () => {
    const held = new Set(['ETHUSDT']);
    const { lane, inserts } = laneWith({ heldBack: () => held });
    lane.push(aggTrade({ symbol: 'ETHUSDT', tradeId: 1 }));
    lane.push(aggTrade({ tradeId: 1 }));
    lane.push(aggTrade({ symbol: 'ETHUSDT', tradeId: 2 }));
    await jest.advanceTimersByTimeAsync(0);
    expect(inserts.map(({ rows }) => rows)).toEqual([['BTCUSDT#1']]);
    let stored: boolean | undefined;
    void lane.whenStored().then((answer) => (stored = answer));
    await jest.advanceTimersByTimeAsync(5 * FLUSH_INTERVAL_MS);
    expect(inserts).toHaveLength(1);
    expect(stored).toBeUndefined();
    held.clear();
    await jest.advanceTimersByTimeAsync(2 * FLUSH_INTERVAL_MS);
    expect(inserts.map(({ rows }) => rows)).toEqual([['BTCUSDT#1'], ['ETHUSDT#1', 'ETHUSDT#2']]);
    expect(stored).toBe(true);
  });
});
