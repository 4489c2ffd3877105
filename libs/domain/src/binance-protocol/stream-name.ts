/** The kline intervals Binance streams (web-socket-streams.md, "Kline/Candlestick Streams"). */
export const KLINE_STREAM_INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;
export type KlineStreamInterval = (typeof KLINE_STREAM_INTERVALS)[number];

/** A well-formed stream name, split: `<symbol>@<type>`, or an all-market `!<type>@arr` (symbol null). */
export interface StreamName {
  /** The symbol part exactly as written (Binance only serves lower case), null for an all-market stream. */
  symbol: string | null;
  /** The stream type as written after `@` (`aggTrade`, `kline_1m@+08:00`), or between `!` and `@arr`. */
  type: string;
}

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
const ALL_MARKET_STREAM = /^!(miniTicker|ticker_(?:1h|4h|1d))@arr$/;

/**
 * Syntax check of a stream name as Binance does it: an unknown stream type is invalid (null: the server answers code 2
 * "invalid stream"), while any symbol, even an unknown or upper-case one, is valid. Which valid streams carry data is
 * the server's business.
 */
export function readStreamName(name: string): StreamName | null {
  const symbolStream = SYMBOL_STREAM.exec(name);
  if (symbolStream) {
    return { symbol: symbolStream[1], type: symbolStream[2] };
  }
  const allMarketStream = ALL_MARKET_STREAM.exec(name);
  return allMarketStream ? { symbol: null, type: allMarketStream[1] } : null;
}
