import { assignSymbols, planOwnership } from './ownership-plan';

const symbols = Array.from({ length: 30 }, (_, index) => `C${String(index).padStart(3, '0')}USDT`);

describe('assignSymbols', () => {
  it('gives every symbol exactly one owner and splits them evenly', () => {
    const assignment = assignSymbols(symbols, ['a', 'b', 'c']);
    const all = [...assignment.values()].flat().sort();
    expect(all).toEqual([...symbols].sort());
    for (const owned of assignment.values()) {
      expect(owned.length).toBe(10);
    }
  });

  it('is the same whatever order members and symbols are seen in', () => {
    const one = assignSymbols(symbols, ['a', 'b', 'c']);
    const two = assignSymbols([...symbols].reverse(), ['c', 'a', 'b']);
    expect([...two.entries()].sort()).toEqual([...one.entries()].sort());
  });

  it('moves only a share of symbols when an instance joins', () => {
    const before = assignSymbols(symbols, ['a', 'b', 'c']);
    const after = assignSymbols(symbols, ['a', 'b', 'c', 'd']);
    const ownerBefore = new Map([...before].flatMap(([member, owned]) => owned.map((symbol) => [symbol, member] as const)));
    const moved = [...after].flatMap(([member, owned]) => owned.filter((symbol) => ownerBefore.get(symbol) !== member));
    expect(after.get('d')?.length).toBeGreaterThanOrEqual(7);
    expect(moved.length).toBeLessThan(symbols.length / 2);
  });

  it('handles no members and more members than symbols', () => {
    expect(assignSymbols(symbols, []).size).toBe(0);
    const sparse = assignSymbols(['A1', 'B1'], ['a', 'b', 'c']);
    expect([...sparse.values()].flat().sort()).toEqual(['A1', 'B1']);
  });
});

describe('planOwnership', () => {
  const members = ['a', 'b', 'c'];
  const mine = assignSymbols(symbols, members).get('a') as string[];

  it('acquires what is assigned to us and nothing else when nothing is orphaned', () => {
    const plan = planOwnership({ me: 'a', members, tracked: symbols, held: new Set(), orphaned: new Set(), fairShareSlack: 1 });
    expect(plan).toEqual({ acquire: [...mine].sort(), handOver: [], drop: [] });
  });

  it('hands over symbols assigned to others and drops untracked ones', () => {
    const foreign = symbols.find((symbol) => !mine.includes(symbol)) as string;
    const plan = planOwnership({
      me: 'a',
      members,
      tracked: symbols,
      held: new Set([...mine, foreign, 'GONEUSDT']),
      orphaned: new Set(),
      fairShareSlack: 1,
    });
    expect(plan).toEqual({ acquire: [], handOver: [foreign], drop: ['GONEUSDT'] });
  });

  it('takes orphaned symbols only up to an even share plus slack', () => {
    const orphaned = new Set(symbols.filter((symbol) => !mine.includes(symbol)));
    const plan = planOwnership({ me: 'a', members, tracked: symbols, held: new Set(mine), orphaned, fairShareSlack: 2 });
    expect(plan.acquire).toHaveLength(2);
    expect(plan.handOver).toEqual([]);
  });

  it('keeps an orphaned symbol it picked up instead of handing it straight back', () => {
    const foreign = symbols.find((symbol) => !mine.includes(symbol)) as string;
    const plan = planOwnership({
      me: 'a',
      members,
      tracked: symbols,
      held: new Set([...mine, foreign]),
      orphaned: new Set([foreign]),
      fairShareSlack: 1,
    });
    expect(plan.handOver).toEqual([]);
  });

  it('takes everything when alone', () => {
    const plan = planOwnership({ me: 'a', members: [], tracked: symbols, held: new Set(), orphaned: new Set(), fairShareSlack: 0 });
    expect(plan.acquire).toHaveLength(30);
  });
});
