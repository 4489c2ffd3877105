import { PriceWalk } from './price-walk';
import { createSeededRandom } from './seeded-random';

describe('PriceWalk', () => {
  it('is deterministic for a seed', () => {
    const path = (seed: number) => {
      const walk = new PriceWalk({ startTicks: 3_700_000, random: createSeededRandom(seed) });
      return Array.from({ length: 50 }, () => walk.next());
    };
    expect(path(7)).toEqual(path(7));
    expect(path(7)).not.toEqual(path(8));
  });

  it('moves in small whole-tick steps and stays inside its band', () => {
    const walk = new PriceWalk({ startTicks: 100, random: createSeededRandom(1) });
    let previous = walk.current;
    let maxJump = 0;
    let low = Infinity;
    let high = 0;
    for (let i = 0; i < 100_000; i++) {
      const ticks = walk.next();
      maxJump = Math.max(maxJump, Math.abs(ticks - previous), Number.isInteger(ticks) ? 0 : Infinity);
      low = Math.min(low, ticks);
      high = Math.max(high, ticks);
      previous = ticks;
    }
    expect(maxJump).toBeLessThanOrEqual(2);
    expect(low).toBeGreaterThanOrEqual(25);
    expect(high).toBeLessThanOrEqual(400);
  });
});
