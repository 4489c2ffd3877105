/** Aggregate ids `from` to `to`, both inclusive. */
export interface IdRange {
  from: number;
  to: number;
}

/**
 * The parts of `range` no range of `covered` holds, in ascending order. `covered` may be in any order and overlap
 * itself; it is what is stored already (and what this write took so far), so what comes back is what is new.
 */
export function uncoveredRanges(range: IdRange, covered: readonly IdRange[]): IdRange[] {
  const relevant = covered.filter((part) => part.to >= range.from && part.from <= range.to).sort((a, b) => a.from - b.from);
  const free: IdRange[] = [];
  let next = range.from;
  for (const part of relevant) {
    if (part.from > next) {
      free.push({ from: next, to: Math.min(part.from - 1, range.to) });
    }
    next = Math.max(next, part.to + 1);
    if (next > range.to) {
      return free;
    }
  }
  free.push({ from: next, to: range.to });
  return free;
}
