import type { AggTrade } from '@binance-rates/domain';
import { fixed8, formatUnits16, formatUnits8, units8 } from './decimal8';

/** The fields of one kline being built, exact: volumes in units of 1e-8, quote volumes in 1e-16. */
export interface KlineTotals {
  open: string;
  high: string;
  low: string;
  close: string;
  volume: bigint;
  quoteVolume16: bigint;
  takerBuyVolume: bigint;
  takerBuyQuoteVolume16: bigint;
  /** Raw trades (fills), as Binance counts a kline's `n`. */
  trades: number;
  /** Raw trade ids of the first and last fill; -1 while the kline holds none. */
  firstTradeId: number;
  lastTradeId: number;
  /** The aggregate id of the newest trade added, so a trade is never added twice; -1 when none is. */
  lastAggId: number;
}

/** A kline without trades: its prices are the previous close (or zero when none is known), as Binance streams one. */
export function emptyKline(previousClose: string | null): KlineTotals {
  const price = previousClose ?? '0.00000000';
  return {
    open: price,
    high: price,
    low: price,
    close: price,
    volume: 0n,
    quoteVolume16: 0n,
    takerBuyVolume: 0n,
    takerBuyQuoteVolume16: 0n,
    trades: 0,
    firstTradeId: -1,
    lastTradeId: -1,
    lastAggId: -1,
  };
}

/** Adds one aggregate trade (newer than the kline's last) to the totals, in place. */
export function addTrade(kline: KlineTotals, trade: AggTrade): void {
  const price = fixed8(trade.price);
  const priceUnits = units8(price);
  const quantity = units8(trade.quantity);
  const quote16 = priceUnits * quantity;
  if (kline.trades === 0) {
    kline.open = kline.high = kline.low = price;
    kline.firstTradeId = trade.firstTradeId;
  } else {
    if (priceUnits > units8(kline.high)) kline.high = price;
    if (priceUnits < units8(kline.low)) kline.low = price;
  }
  kline.close = price;
  kline.volume += quantity;
  kline.quoteVolume16 += quote16;
  // The buyer is the taker when it is not the maker.
  if (!trade.isBuyerMaker) {
    kline.takerBuyVolume += quantity;
    kline.takerBuyQuoteVolume16 += quote16;
  }
  kline.trades += trade.lastTradeId - trade.firstTradeId + 1;
  kline.lastTradeId = trade.lastTradeId;
  kline.lastAggId = trade.tradeId;
}

/**
 * A `<symbol>@kline_<interval>` event in Binance's field order (web-socket-streams.md, "Kline/Candlestick Streams"):
 * {"e":"kline","E":…,"s":"BNBBTC","k":{"t":…,"T":…,"s":"BNBBTC","i":"1m","f":100,"L":200,"o":…,"c":…,"h":…,"l":…,
 *  "v":…,"n":100,"x":false,"q":…,"V":…,"Q":…,"B":"0"}}
 */
export function klineEventJson(params: {
  symbol: string;
  interval: string;
  openTime: number;
  closeTime: number;
  kline: KlineTotals;
  closed: boolean;
  eventTime: number;
}): string {
  const { symbol, interval, openTime, closeTime, kline, closed, eventTime } = params;
  return (
    `{"e":"kline","E":${eventTime},"s":"${symbol}","k":{"t":${openTime},"T":${closeTime},"s":"${symbol}","i":"${interval}",` +
    `"f":${kline.firstTradeId},"L":${kline.lastTradeId},"o":"${kline.open}","c":"${kline.close}","h":"${kline.high}",` +
    `"l":"${kline.low}","v":"${formatUnits8(kline.volume)}","n":${kline.trades},"x":${closed},` +
    `"q":"${formatUnits16(kline.quoteVolume16)}","V":"${formatUnits8(kline.takerBuyVolume)}",` +
    `"Q":"${formatUnits16(kline.takerBuyQuoteVolume16)}","B":"0"}}`
  );
}
