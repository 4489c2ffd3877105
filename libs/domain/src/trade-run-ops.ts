import type { AggTrade } from './agg-trade';
import { POWERS_OF_TEN, unitsText } from './decimal-units';
import { lastIdOf, type TradeRun } from './trade-run';
import { TradeRunBatch } from './trade-run-batch';
import { allocateColumns, columnViews } from './trade-run-columns';

/**
 * The trades of `run` with ids from `fromId` to `toId` (both included, clamped to the run) as a view sharing the
 * run's arrays, or null when none are in it: how a writer trims what is already stored. The view keeps the run's
 * scales, which may then hold more decimals than its own values need.
 */
export function sliceRun(run: TradeRun, fromId: number, toId: number): TradeRun | null {
  const from = Math.max(fromId, run.firstId) - run.firstId;
  const to = Math.min(toId, lastIdOf(run)) - run.firstId + 1;
  if (to <= from) {
    return null;
  }
  if (from === 0 && to === run.count) {
    return run;
  }
  return { ...run, firstId: run.firstId + from, count: to - from, ...columnViews(run, from, to - from) };
}

/**
 * Runs that follow one another (same symbol and text widths, each starting at the id after the last one's end, time
 * never going back) as one run with its own arrays, prices and quantities at the largest scale among them: how the
 * compactor merges runs into a block. A RangeError says which pair cannot be joined, or that the common scale would
 * take units past 2^53 (keep those runs apart).
 */
export function concatRuns(runs: readonly TradeRun[]): TradeRun {
  const head = runs[0];
  if (head === undefined) {
    throw new RangeError('No runs to concatenate');
  }
  let count = 0;
  let priceScale = 0;
  let quantityScale = 0;
  for (const [index, run] of runs.entries()) {
    const previous = runs[index - 1];
    if (previous !== undefined) {
      const gap = joinProblem(previous, run);
      if (gap !== null) {
        throw new RangeError(`Cannot join ${previous.symbol} runs at #${run.firstId}: ${gap}`);
      }
    }
    count += run.count;
    priceScale = Math.max(priceScale, run.priceScale);
    quantityScale = Math.max(quantityScale, run.quantityScale);
  }
  const joined = {
    ...head,
    count,
    priceScale,
    quantityScale,
    ...allocateColumns(count),
  };
  let offset = 0;
  for (const run of runs) {
    const n = run.count;
    const part = columnViews(run, 0, n);
    joined.firstTradeId.set(part.firstTradeId, offset);
    joined.lastTradeId.set(part.lastTradeId, offset);
    joined.time.set(part.time, offset);
    joined.buyerMaker.set(part.buyerMaker, offset);
    rescaled({ from: run.priceUnits, count: n, factor: POWERS_OF_TEN[priceScale - run.priceScale], to: joined.priceUnits, offset });
    rescaled({
      from: run.quantityUnits,
      count: n,
      factor: POWERS_OF_TEN[quantityScale - run.quantityScale],
      to: joined.quantityUnits,
      offset,
    });
    offset += n;
  }
  return joined;
}

/** The trade at `index` (0 to count − 1) of `run`, its decimals written as they arrived. */
export function tradeAt(run: TradeRun, index: number): AggTrade {
  if (!Number.isInteger(index) || index < 0 || index >= run.count) {
    throw new RangeError(`${run.symbol} run #${run.firstId} has no trade at index ${index} (it holds ${run.count})`);
  }
  return {
    symbol: run.symbol,
    tradeId: run.firstId + index,
    price: unitsText(run.priceUnits[index], run.priceScale, run.priceTextDecimals),
    quantity: unitsText(run.quantityUnits[index], run.quantityScale, run.quantityTextDecimals),
    firstTradeId: run.firstTradeId[index],
    lastTradeId: run.lastTradeId[index],
    tradeTime: run.time[index],
    isBuyerMaker: run.buyerMaker[index] === 1,
  };
}

/** Every trade of `run`, in id order. */
export function runTrades(run: TradeRun): AggTrade[] {
  return Array.from({ length: run.count }, (_, index) => tradeAt(run, index));
}

/**
 * The one run `trades` make (one symbol, consecutive ids, one text width per decimal field), as TradeRunBatch
 * builds it: for fixtures and tests. A RangeError when they make no run or more than one.
 */
export function runOf(trades: readonly AggTrade[]): TradeRun {
  const batch = new TradeRunBatch();
  for (const trade of trades) {
    batch.append(trade);
  }
  const runs = batch.seal();
  if (runs.length !== 1) {
    throw new RangeError(`${trades.length} trades make ${runs.length} runs, not one`);
  }
  return runs[0];
}

function joinProblem(previous: TradeRun, next: TradeRun): string | null {
  if (next.symbol !== previous.symbol) {
    return `symbol ${next.symbol} follows ${previous.symbol}`;
  }
  if (next.firstId !== lastIdOf(previous) + 1) {
    return `it follows #${lastIdOf(previous)}`;
  }
  if (next.priceTextDecimals !== previous.priceTextDecimals || next.quantityTextDecimals !== previous.quantityTextDecimals) {
    return 'the text widths differ';
  }
  if (next.time[0] < previous.time[previous.count - 1]) {
    return 'its time is earlier than the end of the run before';
  }
  return null;
}

function rescaled(copy: { from: Float64Array; count: number; factor: number; to: Float64Array; offset: number }): void {
  const { from, count, factor, to, offset } = copy;
  for (let index = 0; index < count; index += 1) {
    const units = from[index] * factor;
    if (units > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`Units ${from[index]} × ${factor} pass 2^53 at the common scale: keep these runs apart`);
    }
    to[offset + index] = units;
  }
}
