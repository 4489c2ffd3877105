import type { AggTrade } from '@binance-rates/domain';
import { fixed8 } from './decimal8';

/*
 * Template strings rather than JSON.stringify: Binance's field order, built once per trade whatever the number of
 * clients. `M` ("was the trade the best price match", now documented as "ignore") is always true on Binance's spot.
 */

/** A row of REST `aggTrades`: {"a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":true,"M":true} */
export function aggTradeRowJson(trade: AggTrade): string {
  return (
    `{"a":${trade.tradeId},"p":"${fixed8(trade.price)}","q":"${fixed8(trade.quantity)}","f":${trade.firstTradeId},` +
    `"l":${trade.lastTradeId},"T":${trade.tradeTime},"m":${trade.isBuyerMaker},"M":true}`
  );
}

/** A `<symbol>@aggTrade` event: {"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001",...,"M":true} */
export function aggTradeEventJson(trade: AggTrade, eventTime: number): string {
  return (
    `{"e":"aggTrade","E":${eventTime},"s":"${trade.symbol}","a":${trade.tradeId},"p":"${fixed8(trade.price)}",` +
    `"q":"${fixed8(trade.quantity)}","f":${trade.firstTradeId},"l":${trade.lastTradeId},"T":${trade.tradeTime},` +
    `"m":${trade.isBuyerMaker},"M":true}`
  );
}
