import { AggTrade, BinanceApiErrors } from '@binance-rates/domain';
import { MarketDataService } from '../market/market-data.service';
import { aggTradeRowJson } from '../market/agg-trade.json';
import { BinanceEndpoint } from './binance-endpoint';

export const AGG_TRADES_DEFAULT_LIMIT = 500;
export const AGG_TRADES_MAX_LIMIT = 1000;

/**
 * `GET /api/v3/aggTrades` (weight 4), from the stored history: `fromId` (inclusive) pages forward by id; `startTime`
 * (with or without `endTime`, both inclusive) pages forward by time; only `endTime` gives the newest trades up to it;
 * none gives the newest trades. `fromId` with a time, or `startTime` after `endTime`, is -1128. Parameters are checked
 * in Binance's order (mandatory, syntax, combination, then whether the symbol is served).
 */
export function aggTradesEndpoint(market: MarketDataService): BinanceEndpoint {
  return {
    weight: () => 4,
    handle: async (params) => {
      const symbol = params.symbol();
      const fromId = params.number('fromId');
      const startTime = params.number('startTime');
      const endTime = params.number('endTime');
      const limit = params.limit(AGG_TRADES_DEFAULT_LIMIT, AGG_TRADES_MAX_LIMIT);
      const hasTime = startTime !== undefined || endTime !== undefined;
      if ((fromId !== undefined && hasTime) || (startTime !== undefined && endTime !== undefined && startTime > endTime)) {
        throw BinanceApiErrors.badCombination();
      }
      if (!market.isServed(symbol)) {
        throw BinanceApiErrors.invalidSymbol();
      }
      let trades: AggTrade[];
      if (fromId !== undefined) {
        trades = await market.trades({ symbol, fromId, limit });
      } else if (startTime !== undefined) {
        trades = await market.trades({ symbol, startTime, endTime, limit });
      } else {
        trades = await market.newestTrades({ symbol, endTime, limit });
      }
      return `[${trades.map(aggTradeRowJson).join(',')}]`;
    },
  };
}
