import { BinanceApiError, BinanceApiErrors, NUMBER_RANGE, SYMBOL_RANGE } from '@binance-rates/domain';
import { KLINE_INTERVALS, type KlineInterval } from '../market/kline-calendar';

export const KLINES_DEFAULT_LIMIT = 500;
export const KLINES_MAX_LIMIT = 1000;
const SYMBOL_PATTERN = /^[A-Z0-9\-_.]{1,20}$/;
const NUMBER_PATTERN = /^[0-9]{1,20}$/;
const TIME_ZONE_PATTERN = /^([+-]?)(\d{1,2})(?::(\d{2}))?$/;

export interface KlinesQuery {
  symbol: string;
  interval: KlineInterval;
  /** `timeZone` as ms east of UTC. */
  offsetMs: number;
  limit: number;
  startTime?: number;
  endTime?: number;
}

/**
 * Validates `GET /api/v3/klines` parameters (rest-api.md, "Kline/Candlestick data") in Binance's order: mandatory
 * `symbol` and `interval`, their syntax (-1100, -1120 for an unknown interval), the numbers (a `limit` of 0 is -1130,
 * above 1000 capped), `timeZone` (hours or hours:minutes within [-12:00, +14:00], else -1130), then whether the
 * symbol exists.
 */
export function parseKlinesQuery(params: URLSearchParams, isKnownSymbol: (symbol: string) => boolean): KlinesQuery | BinanceApiError {
  const symbol = params.get('symbol');
  if (!symbol) {
    return BinanceApiErrors.mandatory('symbol');
  }
  if (!SYMBOL_PATTERN.test(symbol)) {
    return BinanceApiErrors.illegalChars('symbol', SYMBOL_RANGE);
  }
  const interval = params.get('interval');
  if (!interval) {
    return BinanceApiErrors.mandatory('interval');
  }
  if (!(KLINE_INTERVALS as readonly string[]).includes(interval)) {
    return BinanceApiErrors.invalidInterval();
  }
  const numbers: Partial<Record<'startTime' | 'endTime' | 'limit', number>> = {};
  for (const name of ['startTime', 'endTime', 'limit'] as const) {
    const text = params.get(name);
    if (text === null || text === '') {
      continue;
    }
    if (!NUMBER_PATTERN.test(text)) {
      return BinanceApiErrors.illegalChars(name, NUMBER_RANGE);
    }
    numbers[name] = Number(text);
  }
  if (numbers.limit === 0) {
    return BinanceApiErrors.invalidParameter('limit');
  }
  const offsetMs = parseTimeZone(params.get('timeZone'));
  if (offsetMs === null) {
    return BinanceApiErrors.invalidParameter('timeZone');
  }
  if (!isKnownSymbol(symbol)) {
    return BinanceApiErrors.invalidSymbol();
  }
  return {
    symbol,
    interval: interval as KlineInterval,
    offsetMs,
    limit: Math.min(numbers.limit ?? KLINES_DEFAULT_LIMIT, KLINES_MAX_LIMIT),
    ...(numbers.startTime !== undefined && { startTime: numbers.startTime }),
    ...(numbers.endTime !== undefined && { endTime: numbers.endTime }),
  };
}

/** "8", "-1:00", "05:45", "+14:00" → ms east of UTC; absent or empty is UTC; null when outside the format or range. */
function parseTimeZone(text: string | null): number | null {
  if (text === null || text === '') {
    return 0;
  }
  const match = TIME_ZONE_PATTERN.exec(text);
  if (!match) {
    return null;
  }
  const [, sign, hours, minutes = '0'] = match;
  const total = (Number(hours) * 60 + Number(minutes)) * (sign === '-' ? -1 : 1);
  return Number(minutes) < 60 && total >= -12 * 60 && total <= 14 * 60 ? total * 60_000 : null;
}
