import { type TradeRun, concatRuns, lastIdOf, sliceRun } from '@binance-rates/domain';

const HOUR_MS = 3_600_000;

/**
 * How runs become blocks: consecutive runs of one symbol are merged while their ids follow on and their text widths
 * agree, cut at every UTC hour (so a block lies in one time partition, and a time bound skips whole blocks) and at
 * `maxTrades`. Runs must be of one symbol, in id order, not overlapping.
 */
export function planBlocks(runs: readonly TradeRun[], maxTrades: number): TradeRun[] {
  const blocks: TradeRun[] = [];
  let pending: TradeRun[] = [];
  let pendingTrades = 0;
  const close = () => {
    if (pending.length > 0) {
      blocks.push(...joined(pending));
    }
    pending = [];
    pendingTrades = 0;
  };
  for (const run of runs) {
    for (const piece of hourPieces(run)) {
      let rest: TradeRun | null = piece;
      while (rest !== null) {
        const previous = pending[pending.length - 1];
        if (previous !== undefined && !continues(previous, rest)) {
          close();
        }
        const room = maxTrades - pendingTrades;
        const taken: TradeRun = rest.count <= room ? rest : (sliceRun(rest, rest.firstId, rest.firstId + room - 1) as TradeRun);
        pending.push(taken);
        pendingTrades += taken.count;
        rest = taken === rest ? null : sliceRun(rest, rest.firstId + room, lastIdOf(rest));
        if (pendingTrades === maxTrades) {
          close();
        }
      }
    }
  }
  close();
  return blocks;
}

/** One block of the runs, or (where their values would not fit one common scale) one per run. */
function joined(runs: TradeRun[]): TradeRun[] {
  if (runs.length === 1) {
    return runs;
  }
  try {
    return [concatRuns(runs)];
  } catch (error) {
    if (error instanceof RangeError) {
      return runs;
    }
    throw error;
  }
}

function continues(previous: TradeRun, next: TradeRun): boolean {
  return (
    next.firstId === lastIdOf(previous) + 1 &&
    next.time[0] >= previous.time[previous.count - 1] &&
    hourOf(next.time[0]) === hourOf(previous.time[0]) &&
    next.priceTextDecimals === previous.priceTextDecimals &&
    next.quantityTextDecimals === previous.quantityTextDecimals
  );
}

/** A run cut where its trades cross into another UTC hour. */
function hourPieces(run: TradeRun): TradeRun[] {
  if (hourOf(run.time[0]) === hourOf(run.time[run.count - 1])) {
    return [run];
  }
  const pieces: TradeRun[] = [];
  let start = 0;
  for (let index = 1; index <= run.count; index += 1) {
    if (index === run.count || hourOf(run.time[index]) !== hourOf(run.time[start])) {
      pieces.push(sliceRun(run, run.firstId + start, run.firstId + index - 1) as TradeRun);
      start = index;
    }
  }
  return pieces;
}

function hourOf(time: number): number {
  return Math.floor(time / HOUR_MS);
}
