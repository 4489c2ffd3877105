import { uncoveredRanges } from './id-coverage';

describe('uncoveredRanges', () => {
  it('keeps the whole range when nothing covers it', () => {
    expect(uncoveredRanges({ from: 10, to: 20 }, [])).toEqual([{ from: 10, to: 20 }]);
    expect(uncoveredRanges({ from: 10, to: 20 }, [{ from: 1, to: 9 }, { from: 21, to: 30 }])).toEqual([{ from: 10, to: 20 }]);
  });

  it('cuts what is covered at either end, in the middle, or all of it', () => {
    expect(uncoveredRanges({ from: 10, to: 20 }, [{ from: 5, to: 12 }])).toEqual([{ from: 13, to: 20 }]);
    expect(uncoveredRanges({ from: 10, to: 20 }, [{ from: 18, to: 25 }])).toEqual([{ from: 10, to: 17 }]);
    expect(uncoveredRanges({ from: 10, to: 20 }, [{ from: 14, to: 15 }])).toEqual([
      { from: 10, to: 13 },
      { from: 16, to: 20 },
    ]);
    expect(uncoveredRanges({ from: 10, to: 20 }, [{ from: 10, to: 20 }])).toEqual([]);
    expect(uncoveredRanges({ from: 10, to: 20 }, [{ from: 0, to: 100 }])).toEqual([]);
  });

  it('takes covering ranges in any order, overlapping or touching', () => {
    expect(
      uncoveredRanges({ from: 1, to: 30 }, [
        { from: 20, to: 22 },
        { from: 5, to: 8 },
        { from: 7, to: 10 },
        { from: 11, to: 11 },
        { from: 30, to: 30 },
      ]),
    ).toEqual([
      { from: 1, to: 4 },
      { from: 12, to: 19 },
      { from: 23, to: 29 },
    ]);
  });

  it('agrees with a trade-by-trade check on random ranges', () => {
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    for (let round = 0; round < 300; round += 1) {
      const from = random(50);
      const range = { from, to: from + random(40) };
      const covered = Array.from({ length: random(5) }, () => {
        const start = random(100);
        return { from: start, to: start + random(15) };
      });
      const expected: number[] = [];
      for (let id = range.from; id <= range.to; id += 1) {
        if (!covered.some((part) => part.from <= id && id <= part.to)) expected.push(id);
      }
      const actual = uncoveredRanges(range, covered).flatMap(({ from: a, to: b }) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
      expect(actual).toEqual(expected);
    }
  });
});
