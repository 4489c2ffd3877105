import { type AggTrade, type TradeRun, tradeRunsOf } from '@binance-rates/domain';

/**
 * One symbol's consecutive aggregate trades (ids rising by one, prices and quantities each printed with one number of
 * decimals) as the TradeRun the history writes; throws when they are not one run, so a spec cannot build a run the
 * write path never would.
 */
export function tradeRunOf(trades: readonly AggTrade[]): TradeRun {
  const [run, ...more] = tradeRunsOf(trades);
  if (run === undefined || more.length > 0) {
    throw new Error(`tradeRunOf: the ${trades.length} trades make ${more.length + (run ? 1 : 0)} runs, not one (a new symbol, a missing id or another number of decimals)`);
  }
  return run;
}
