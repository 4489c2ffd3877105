/** Only these two carry data in the emulator; every other valid stream is accepted and stays silent. */
export type StreamKind = 'aggTrade' | 'trade' | 'silent';

export interface ParsedStreamName {
  kind: StreamKind;
  /** The symbol part exactly as written (Binance only serves lower case; upper case is accepted and silent). */
  symbol: string | null;
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
      'kline_(?:1s|1m|3m|5m|15m|30m|1h|2h|4h|6h|8h|12h|1d|3d|1w|1M)(?:@\\+08:00)?',
    ].join('|') +
    ')$',
  'u',
);
const ALL_MARKET_STREAM = /^!(?:miniTicker|ticker_(?:1h|4h|1d))@arr$/;

/**
 * Syntax check of a stream name as Binance does it: an unknown stream type is an error (code 2 "invalid stream"),
 * while an unknown or upper-case symbol is valid and simply never produces data.
 */
export function parseStreamName(name: string): ParsedStreamName | null {
  const match = SYMBOL_STREAM.exec(name);
  if (match) {
    const type = match[2];
    return { kind: type === 'aggTrade' || type === 'trade' ? type : 'silent', symbol: match[1] };
  }
  return ALL_MARKET_STREAM.test(name) ? { kind: 'silent', symbol: null } : null;
}
