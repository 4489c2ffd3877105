import { PriceWalk } from './price-walk';
import { createSeededRandom } from './seeded-random';

function walk(startTicks: number, seed = 1): PriceWalk {
  return new PriceWalk({ startTicks, centreTicks: startTicks, random: createSeededRandom(seed) });
}

function path(priceWalk: PriceWalk, trades: number): number[] {
  return Array.from({ length: trades }, (_, i) => priceWalk.next({ isBuyerMaker: i % 3 !== 0, sweep: false }));
}

describe('PriceWalk', () => {
  it('is deterministic for a seed', () => {
    expect(path(walk(3_700_000, 7), 200)).toEqual(path(walk(3_700_000, 7), 200));
    expect(path(walk(3_700_000, 7), 200)).not.toEqual(path(walk(3_700_000, 8), 200));
  });

  it('keeps a coin a few hundred ticks high (SHIB-like) on the same bid and ask most of the time', () => {
    const priceWalk = walk(900);
    const bids: number[] = [];
    const prices: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      prices.push(priceWalk.next({ isBuyerMaker: i % 3 !== 0, sweep: false }));
      bids.push(priceWalk.current);
    }
    const bidMoves = bids.filter((bid, i) => i > 0 && bid !== bids[i - 1]).length;
    expect(prices.every(Number.isInteger)).toBe(true);
    // The bid/ask bounce (1 tick) plus a rare one-tick move of the book.
    expect(prices.every((price, i) => i === 0 || Math.abs(price - prices[i - 1]) <= 2)).toBe(true);
    expect(bidMoves / bids.length).toBeLessThan(0.01);
    expect(bidMoves).toBeGreaterThan(0);
  });

  it('moves a coin millions of ticks high (BTC at 0.01) rarely, by heavy-tailed jumps of many ticks', () => {
    const priceWalk = walk(3_700_000);
    const bids: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      priceWalk.next({ isBuyerMaker: true, sweep: false });
      bids.push(priceWalk.current);
    }
    const moves = bids.slice(1).map((bid, i) => Math.abs(bid - bids[i])).filter((move) => move > 0).sort((a, b) => a - b);
    expect(moves.length / bids.length).toBeGreaterThan(0.2);
    expect(moves.length / bids.length).toBeLessThan(0.4);
    const median = moves[Math.floor(moves.length / 2)];
    const p999 = moves[Math.floor(moves.length * 0.999)];
    expect(median).toBeGreaterThan(10);
    expect(p999).toBeGreaterThan(median * 5);
  });

  it('sweeps one level per trade in the taker direction', () => {
    const priceWalk = walk(1_000_000);
    const first = priceWalk.next({ isBuyerMaker: false, sweep: false });
    expect(priceWalk.next({ isBuyerMaker: false, sweep: true })).toBe(first + 1);
    expect(priceWalk.next({ isBuyerMaker: false, sweep: true })).toBe(first + 2);
  });

  it('stays inside its band however long it runs', () => {
    const priceWalk = walk(100);
    let low = Infinity;
    let high = 0;
    for (let i = 0; i < 200_000; i++) {
      const ticks = priceWalk.next({ isBuyerMaker: i % 2 === 0, sweep: i % 5 === 1 });
      low = Math.min(low, ticks);
      high = Math.max(high, ticks);
    }
    expect(low).toBeGreaterThanOrEqual(25);
    expect(high).toBeLessThanOrEqual(401);
  });

  it('when steered, ends a run at the target (the next day opens where this one closed)', () => {
    const priceWalk = walk(3_700_000);
    const trades = 20_000;
    for (let left = trades; left > 0; left--) {
      priceWalk.next({ isBuyerMaker: true, sweep: false });
      priceWalk.steer(3_800_000, left);
    }
    expect(priceWalk.current).toBe(3_800_000);
  });
});
