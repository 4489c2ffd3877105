import { type KlineStreamInterval, readStreamName } from '@binance-rates/domain';

/** What a stream name asks for. `silent`: a valid name we carry no data for (as Binance does for an unknown symbol). */
export type StreamTopic =
  | { kind: 'aggTrade'; symbol: string }
  | { kind: 'kline'; symbol: string; interval: KlineStreamInterval }
  | { kind: 'miniTicker'; symbol: string }
  | { kind: 'allMiniTickers' }
  | { kind: 'silent'; symbol: string | null };

/**
 * What a valid stream name (see readStreamName; null when invalid) asks of the service. Data flows only for a lower-case
 * symbol (Binance sends nothing for an upper-case one) on the streams we build from stored trades: `@aggTrade`,
 * `@kline_<interval>` (UTC), `@miniTicker` and `!miniTicker@arr`. Every other documented stream (`@trade`, `@depth`,
 * `@bookTicker`, ...) needs data we do not keep (single fills, the order book) and is accepted and silent.
 */
export function parseStreamName(name: string): StreamTopic | null {
  const stream = readStreamName(name);
  if (stream === null) {
    return null;
  }
  const { symbol: written, type } = stream;
  if (written === null) {
    return type === 'miniTicker' ? { kind: 'allMiniTickers' } : { kind: 'silent', symbol: null };
  }
  if (written !== written.toLowerCase()) {
    return { kind: 'silent', symbol: null };
  }
  const symbol = written.toUpperCase();
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
