/** A candle as the chart needs it: only the fields every version of the candles answer has. */
export interface Candle {
  /** Epoch ms. */
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** What `GET /api/currency/{symbol}/candles` answers, reduced to the fields read here. */
export interface CandleAnswer {
  openTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export function toCandle({ openTime, open, high, low, close, volume }: CandleAnswer): Candle {
  return { openTime, open: Number(open), high: Number(high), low: Number(low), close: Number(close), volume: Number(volume) };
}

/**
 * A pushed price extends the newest candle, or opens the next one when its trade falls in a later interval. The push
 * carries no quantity, so a candle opened here has volume 0 until the candles route is asked again. A price older
 * than the newest candle changes nothing (the push coalesces, it never goes back).
 */
export function applyPrice(newest: Candle | undefined, price: number, tradeTime: number, intervalMs: number): Candle | null {
  const openTime = Math.floor(tradeTime / intervalMs) * intervalMs;
  if (newest === undefined || openTime > newest.openTime) {
    return { openTime, open: price, high: price, low: price, close: price, volume: 0 };
  }
  if (openTime < newest.openTime) {
    return null;
  }
  return { ...newest, high: Math.max(newest.high, price), low: Math.min(newest.low, price), close: price };
}

/**
 * Joins candles by open time, ascending; where both have one, `newer` wins (a fresher answer of the same interval).
 */
export function mergeCandles(older: readonly Candle[], newer: readonly Candle[]): Candle[] {
  const byTime = new Map<number, Candle>();
  for (const candle of older) byTime.set(candle.openTime, candle);
  for (const candle of newer) byTime.set(candle.openTime, candle);
  return [...byTime.values()].sort((a, b) => a.openTime - b.openTime);
}

export interface DayStats {
  /** The first price of the window (the open of its oldest candle). */
  open: number;
  high: number;
  low: number;
  /** (last − open) / open. */
  change: number;
  /** When the window's history begins: later than 24 h ago when less is stored. */
  since: number;
}

/** 24 h change and range from the window's candles and the newest price (which may be newer than any candle). */
export function dayStats(candles: readonly Candle[], last: number | null): DayStats | null {
  if (candles.length === 0) {
    return null;
  }
  const open = candles[0].open;
  let high = last ?? -Infinity;
  let low = last ?? Infinity;
  for (const candle of candles) {
    high = Math.max(high, candle.high);
    low = Math.min(low, candle.low);
  }
  const close = last ?? candles[candles.length - 1].close;
  return { open, high, low, change: open === 0 ? 0 : (close - open) / open, since: candles[0].openTime };
}
