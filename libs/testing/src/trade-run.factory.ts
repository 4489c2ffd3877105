import { type AggTrade, type TradeRun, runOf } from '@binance-rates/domain';

/**
 * One symbol's consecutive aggregate trades (ids rising by one, prices and quantities each printed with one number of
 * decimals) as the TradeRun the history writes; throws when they are not one run, so a spec cannot build a run the
 * write path never would.
 */
export function tradeRunOf(trades: readonly AggTrade[]): TradeRun {
  return runOf(trades);
}
