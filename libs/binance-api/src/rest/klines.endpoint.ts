import { BinanceApiErrors, type Candle } from '@binance-rates/domain';
import { fixed8 } from '../market/decimal8';
import { readKlines } from '../market/kline-reader';
import { MarketDataService } from '../market/market-data.service';
import { BinanceEndpoint } from './binance-endpoint';

export const KLINES_DEFAULT_LIMIT = 500;
export const KLINES_MAX_LIMIT = 1000;

/**
 * `GET /api/v3/klines` (weight 2): the symbol's klines from the stored candles (see readKlines for which). Parameters
 * are checked in Binance's order: `symbol` and `interval` present (-1102) and well formed (-1100, -1120), the numbers
 * (-1100; `limit` 0 is -1130, more than 1000 is capped), `timeZone` (-1130), then whether the symbol is served
 * (-1121). `startTime` after `endTime` covers no kline: `[]`, as Binance's spot answers it.
 */
export function klinesEndpoint(market: MarketDataService): BinanceEndpoint {
  return {
    weight: () => 2,
    handle: async (params) => {
      const symbol = params.symbol();
      const name = params.interval();
      const startTime = params.number('startTime');
      const endTime = params.number('endTime');
      const limit = params.limit(KLINES_DEFAULT_LIMIT, KLINES_MAX_LIMIT);
      const offsetMs = params.timeZoneOffsetMs();
      if (!market.isServed(symbol)) {
        throw BinanceApiErrors.invalidSymbol();
      }
      const interval = offsetMs === 0 ? name : { name, offsetMs };
      const klines = await readKlines(market, { symbol, interval, startTime, endTime, limit });
      return `[${klines.map(klineRowJson).join(',')}]`;
    },
  };
}

/**
 * A kline in Binance's field order, prices and volumes with 8 decimals, the trade count raw (every fill):
 * [1499040000000,"0.01634790","0.80000000","0.01575800","0.01577100","148976.11427815",1499644799999,
 *  "2434.19055334",308,"1756.87402397","28.46694368","0"]
 */
export function klineRowJson(candle: Candle): string {
  return (
    `[${candle.openTime},"${fixed8(candle.open)}","${fixed8(candle.high)}","${fixed8(candle.low)}","${fixed8(candle.close)}",` +
    `"${fixed8(candle.volume)}",${candle.closeTime},"${fixed8(candle.quoteVolume)}",${candle.trades},` +
    `"${fixed8(candle.takerBuyVolume)}","${fixed8(candle.takerBuyQuoteVolume)}","0"]`
  );
}
