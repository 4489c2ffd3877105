import { AggTrade } from '@binance-rates/domain';
import { aggTradeFromRest, requireWellFormed } from './agg-trade.parser';
import { AggTradesQuery } from './agg-trades.query';
import { RawExchangeInfo, RawExchangeInfoSymbol, RawRestAggTrade } from './binance-wire.types';
import { AGG_TRADES_PAGE_LIMIT } from './binance.limits';
import { RefusedInputError } from './refused-input.error';

/**
 * `GET /api/v3/aggTrades` (rest-api.md, "Compressed/Aggregate trades list"), oldest first:
 * [{"a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":true,"M":true}]
 * Throws a RefusedInputError on the first row that is not a well-formed trade, and for a page that is not what was
 * asked: more rows than the limit, ids not strictly ascending (the fill's cursor and the sequencer assume they are),
 * an id below `fromId` or a time outside `startTime`..`endTime` (both inclusive). A bad page is refused whole rather
 * than stored in part.
 */
export function parseAggTradesResponse(query: AggTradesQuery, rows: readonly RawRestAggTrade[]): AggTrade[] {
  const { symbol, fromId, startTime, endTime } = query;
  const limit = query.limit ?? AGG_TRADES_PAGE_LIMIT;
  if (rows.length > limit) {
    throw new RefusedInputError('page_outside_range', `aggTrades of ${symbol} answered ${rows.length} rows for a limit of ${limit}`);
  }
  const trades = rows.map((row) => requireWellFormed(aggTradeFromRest(symbol, row)));
  for (let index = 0; index < trades.length; index += 1) {
    const { tradeId, tradeTime } = trades[index];
    if (index > 0 && tradeId <= trades[index - 1].tradeId) {
      throw new RefusedInputError('page_not_ascending', `aggTrades of ${symbol} has id ${tradeId} after ${trades[index - 1].tradeId}`);
    }
    if ((fromId !== undefined && tradeId < fromId) || (startTime !== undefined && tradeTime < startTime) || (endTime !== undefined && tradeTime > endTime)) {
      throw new RefusedInputError(
        'page_outside_range',
        `aggTrades of ${symbol} has trade ${tradeId} at ${tradeTime} outside what was asked (${JSON.stringify({ fromId, startTime, endTime })})`,
      );
    }
  }
  return trades;
}

/**
 * `GET /api/v3/exchangeInfo` (rest-api.md, "Exchange information"), trimmed to the fields we read:
 * {"timezone":"UTC","serverTime":1565246363776,"rateLimits":[…],"exchangeFilters":[],
 *  "symbols":[{"symbol":"ETHBTC","status":"TRADING","baseAsset":"ETH","quoteAsset":"BTC",…}]}
 */
export function parseExchangeInfoSymbols(info: RawExchangeInfo): RawExchangeInfoSymbol[] {
  return info.symbols;
}
