import type { SymbolMarket } from '../market/symbol-market';
import type { StoredAggTrade } from '../market/trade-history';

/**
 * Template strings rather than JSON.stringify: each event is serialized once per wire form, and the field order
 * matches Binance's (web-socket-streams.md, "Aggregate Trade Streams" and "Trade Streams"). `timeScale` is 1 for
 * milliseconds, 1000 for `timeUnit=MICROSECOND`.
 */
export function aggTradeEventJson(market: SymbolMarket, trade: StoredAggTrade, eventTime: number, timeScale: number): string {
  return (
    `{"e":"aggTrade","E":${eventTime * timeScale},"s":"${market.symbol}","a":${trade.aggTradeId},` +
    `"p":"${market.formatPrice(trade.priceTicks)}","q":"${market.formatQuantity(trade.quantitySteps)}",` +
    `"f":${trade.firstTradeId},"l":${trade.firstTradeId + trade.tradeCount - 1},"T":${trade.tradeTime * timeScale},` +
    `"m":${trade.isBuyerMaker},"M":true}`
  );
}

/** One fill of an aggregate: fills share the price and split the quantity (the remainder goes to the last). */
export function tradeEventJson(
  market: SymbolMarket,
  trade: StoredAggTrade,
  fill: number,
  eventTime: number,
  timeScale: number,
): string {
  const share = Math.floor(trade.quantitySteps / trade.tradeCount);
  const steps = fill === trade.tradeCount - 1 ? trade.quantitySteps - share * (trade.tradeCount - 1) : share;
  return (
    `{"e":"trade","E":${eventTime * timeScale},"s":"${market.symbol}","t":${trade.firstTradeId + fill},` +
    `"p":"${market.formatPrice(trade.priceTicks)}","q":"${market.formatQuantity(steps)}",` +
    `"T":${trade.tradeTime * timeScale},"m":${trade.isBuyerMaker},"M":true}`
  );
}

/** Row of REST `aggTrades` (rest-api.md, "Compressed/Aggregate trades list"): the stream fields without `e`, `E`, `s`. */
export function aggTradeRowJson(market: SymbolMarket, trade: StoredAggTrade): string {
  return (
    `{"a":${trade.aggTradeId},"p":"${market.formatPrice(trade.priceTicks)}",` +
    `"q":"${market.formatQuantity(trade.quantitySteps)}","f":${trade.firstTradeId},` +
    `"l":${trade.firstTradeId + trade.tradeCount - 1},"T":${trade.tradeTime},"m":${trade.isBuyerMaker},"M":true}`
  );
}

export function combinedEventJson(stream: string, raw: string): string {
  return `{"stream":"${stream}","data":${raw}}`;
}

/**
 * The `serverShutdown` event (web-socket-streams.md, "Server Shutdown"): raw form, or wrapped under the stream name
 * `!serverShutdown`, which no client subscribes to.
 */
export function serverShutdownJson(eventTime: number, combined: boolean, timeScale: number): string {
  const raw = `{"e":"serverShutdown","E":${eventTime * timeScale}}`;
  return combined ? combinedEventJson('!serverShutdown', raw) : raw;
}
