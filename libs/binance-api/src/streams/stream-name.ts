/** The kline intervals Binance streams (web-socket-streams.md, "Kline/Candlestick Streams"). */
export const KLINE_STREAM_INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;
export type KlineStreamInterval = (typeof KLINE_STREAM_INTERVALS)[number];

/** What a stream name asks for. `silent`: a valid name we carry no data for (as Binance does for an unknown symbol). */
export type StreamTopic =
  | { kind: 'aggTrade'; symbol: string }
  | { kind: 'kline'; symbol: string; interval: KlineStreamInterval }
  | { kind: 'miniTicker'; symbol: string }
  | { kind: 'allMiniTickers' }
  | { kind: 'silent'; symbol: string | null };

const SYMBOL_STREAM = new RegExp(
  '^([^@/!\\s"]{1,40})@(' +
    [
      'aggTrade',
      'trade',
      'miniTicker',
      'ticker',
      'ticker_(?:1h|4h|1d)',
      'bookTicker',
      'avgPrice',
      'referencePrice',
      'blockTrade',
      'depth(?:5|10|20)?(?:@100ms|@1000ms)?',
      `kline_(?:${KLINE_STREAM_INTERVALS.join('|')})(?:@\\+08:00)?`,
    ].join('|') +
    ')$',
  'u',
);
const ALL_MARKET_STREAM = /^!(?:miniTicker|ticker_(?:1h|4h|1d))@arr$/;

/**
 * Reads a stream name as Binance does: an unknown stream type is invalid (null: the caller answers code 2 "invalid
 * stream"), while any symbol is valid. Data flows only for a lower-case symbol (Binance sends nothing for an upper-case
 * one) on the streams we build from stored trades: `@aggTrade`, `@kline_<interval>` (UTC), `@miniTicker` and
 * `!miniTicker@arr`. Every other documented stream (`@trade`, `@depth`, `@bookTicker`, ...) needs data we do not keep
 * (single fills, the order book) and is accepted and silent.
 */
export function parseStreamName(name: string): StreamTopic | null {
  if (name === '!miniTicker@arr') {
    return { kind: 'allMiniTickers' };
  }
  if (ALL_MARKET_STREAM.test(name)) {
    return { kind: 'silent', symbol: null };
  }
  const match = SYMBOL_STREAM.exec(name);
  if (!match) {
    return null;
  }
  const [, written, type] = match;
  const symbol = written.toUpperCase();
  if (written !== written.toLowerCase()) {
    return { kind: 'silent', symbol: null };
  }
  if (type === 'aggTrade') {
    return { kind: 'aggTrade', symbol };
  }
  if (type === 'miniTicker') {
    return { kind: 'miniTicker', symbol };
  }
  if (type.startsWith('kline_') && !type.endsWith('@+08:00')) {
    return { kind: 'kline', symbol, interval: type.slice('kline_'.length) as KlineStreamInterval };
  }
  return { kind: 'silent', symbol };
}

/** The stream name data for a topic is published under (what a client subscribes with). */
export function aggTradeStream(symbol: string): string {
  return `${symbol.toLowerCase()}@aggTrade`;
}

export function klineStream(symbol: string, interval: KlineStreamInterval): string {
  return `${symbol.toLowerCase()}@kline_${interval}`;
}

export function miniTickerStream(symbol: string): string {
  return `${symbol.toLowerCase()}@miniTicker`;
}

export const ALL_MINI_TICKERS_STREAM = '!miniTicker@arr';
