import { BLOCK_SIZE, FILLS_PER_BLOCK, FillCursor } from './fill-layout';

const params = { seed: 1, symbolHash: 42 };

function take(start: number, count: number) {
  const cursor = new FillCursor(params, start);
  return Array.from({ length: count }, () => cursor.take());
}

describe('FillCursor', () => {
  it('gives raw trade ids that run on without a hole across aggregates and blocks', () => {
    const fills = take(0, 10 * BLOCK_SIZE + 7);
    fills.forEach((fill, i) => i > 0 && expect(fill.firstTradeId).toBe(fills[i - 1].firstTradeId + fills[i - 1].tradeCount));
    expect(fills[10 * BLOCK_SIZE].firstTradeId).toBe(10 * FILLS_PER_BLOCK);
  });

  it('starts anywhere with the ids a walk from the listing reaches (days can be generated on their own)', () => {
    const walked = take(0, 12_345 + 3).slice(12_345);
    expect(take(12_345, 3)).toEqual(walked);
  });

  it('holds mostly 1–3 raw trades per aggregate, with a tail of larger takers', () => {
    const counts = take(0, 100_000).map((fill) => fill.tradeCount);
    const share = (test: (count: number) => boolean) => counts.filter(test).length / counts.length;
    expect(share((count) => count === 1)).toBeGreaterThan(0.6);
    expect(share((count) => count <= 3)).toBeGreaterThan(0.9);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...counts)).toBeLessThanOrEqual(127);
  });
});
