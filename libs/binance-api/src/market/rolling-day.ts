import type { Candle } from '@binance-rates/domain';
import { units8 } from './decimal8';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const MINUTE_MS = 60_000;

/** What one day of 1-minute candles adds up to; volumes exact (units of 1e-8, quote volume 1e-16). */
export interface DaySummary {
  open: string;
  high: string;
  low: string;
  close: string;
  volume: bigint;
  quoteVolume16: bigint;
  firstAggId: number;
  lastAggId: number;
}

/**
 * Where a rolling 24-hour window opens: on the minute holding `now` − 24 h, as Binance's rolling-window tickers do
 * (rest-api.md, "Rolling window price change statistics": the window may be up to 59,999 ms wider than asked).
 */
export function dayWindowOpen(now: number): number {
  const start = now - DAY_MS;
  return start - (start % MINUTE_MS);
}

/** Adds the window's 1-minute candles up (ascending, as stored); null when none holds a trade. */
export function summarizeDay(candles: readonly Candle[]): DaySummary | null {
  const traded = candles.filter((candle) => candle.trades > 0);
  if (traded.length === 0) {
    return null;
  }
  let high = units8(traded[0].high);
  let low = units8(traded[0].low);
  let highText = traded[0].high;
  let lowText = traded[0].low;
  let volume = 0n;
  let quoteVolume16 = 0n;
  for (const candle of traded) {
    const candleHigh = units8(candle.high);
    const candleLow = units8(candle.low);
    if (candleHigh > high) [high, highText] = [candleHigh, candle.high];
    if (candleLow < low) [low, lowText] = [candleLow, candle.low];
    volume += units8(candle.volume);
    quoteVolume16 += units16(candle.quoteVolume);
  }
  const first = traded[0];
  const last = traded[traded.length - 1];
  return {
    open: first.open,
    high: highText,
    low: lowText,
    close: last.close,
    volume,
    quoteVolume16,
    firstAggId: first.firstTradeId as number,
    lastAggId: last.lastTradeId as number,
  };
}

/** A decimal with up to 16 places as units of 1e-16 (a quote volume is a sum of price × quantity). */
export function units16(text: string): bigint {
  const point = text.indexOf('.');
  const whole = point < 0 ? text : text.slice(0, point);
  const fraction = point < 0 ? '' : text.slice(point + 1, point + 17);
  return BigInt(whole || '0') * 10n ** 16n + BigInt(fraction.padEnd(16, '0'));
}
