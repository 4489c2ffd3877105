import { AggTrade } from '@binance-rates/domain';
import { aggTradeFromRest, requireWellFormed } from './agg-trade.parser';
import { RawExchangeInfo, RawExchangeInfoSymbol, RawRestAggTrade } from './binance-wire.types';

/**
 * `GET /api/v3/aggTrades` (rest-api.md, "Compressed/Aggregate trades list"), oldest first:
 * [{"a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":true,"M":true}]
 * Throws on the first row that is not a well-formed trade, so a bad page is refused whole rather than stored in part.
 */
export function parseAggTradesResponse(symbol: string, rows: readonly RawRestAggTrade[]): AggTrade[] {
  return rows.map((row) => requireWellFormed(aggTradeFromRest(symbol, row)));
}

/**
 * `GET /api/v3/exchangeInfo` (rest-api.md, "Exchange information"), trimmed to the fields we read:
 * {"timezone":"UTC","serverTime":1565246363776,"rateLimits":[…],"exchangeFilters":[],
 *  "symbols":[{"symbol":"ETHBTC","status":"TRADING","baseAsset":"ETH","quoteAsset":"BTC",…}]}
 */
export function parseExchangeInfoSymbols(info: RawExchangeInfo): RawExchangeInfoSymbol[] {
  return info.symbols;
}
