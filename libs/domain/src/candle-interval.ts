const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 1970-01-05, the first Monday after the epoch (a Thursday): Binance's weeks open on Monday 00:00 UTC. */
const FIRST_MONDAY = 4 * DAY;

/**
 * Where an interval's candles open: every `ms` from `originMs` (UTC), or on the first of each calendar month in a
 * time zone `offsetMs` east of UTC. Every fixed interval up to `1d` counts from the epoch, like Binance's klines. `1w`
 * counts from a Monday. `3d` counts from the epoch too: Binance documents no anchor for it, and the epoch is the
 * anchor of every other interval that is a whole number of days or less.
 */
export type CandleIntervalRule =
  | { readonly kind: 'fixed'; readonly ms: number; readonly originMs: number }
  | { readonly kind: 'month'; readonly offsetMs: number };

const fixed = (ms: number, originMs = 0): CandleIntervalRule => Object.freeze({ kind: 'fixed', ms, originMs });

/** Every kline interval Binance offers, by its name, in ascending length. */
export const CANDLE_INTERVALS = Object.freeze({
  '1s': fixed(SECOND),
  '1m': fixed(MINUTE),
  '3m': fixed(3 * MINUTE),
  '5m': fixed(5 * MINUTE),
  '15m': fixed(15 * MINUTE),
  '30m': fixed(30 * MINUTE),
  '1h': fixed(HOUR),
  '2h': fixed(2 * HOUR),
  '4h': fixed(4 * HOUR),
  '6h': fixed(6 * HOUR),
  '8h': fixed(8 * HOUR),
  '12h': fixed(12 * HOUR),
  '1d': fixed(DAY),
  '3d': fixed(3 * DAY),
  '1w': fixed(7 * DAY, FIRST_MONDAY),
  '1M': Object.freeze({ kind: 'month', offsetMs: 0 }) as CandleIntervalRule,
});

export type CandleIntervalName = keyof typeof CANDLE_INTERVALS;

export const CANDLE_INTERVAL_NAMES = Object.freeze(Object.keys(CANDLE_INTERVALS) as CandleIntervalName[]);

/**
 * An interval whose boundaries are those of a clock `offsetMs` east of UTC (Binance's klines `timeZone`: `1d` at
 * UTC+8 opens at 16:00 UTC), while every time stays epoch ms.
 */
export interface ZonedCandleInterval {
  readonly name: CandleIntervalName;
  readonly offsetMs: number;
}

/** An interval by its name (UTC), or in a time zone. */
export type CandleInterval = CandleIntervalName | ZonedCandleInterval;

export function candleIntervalName(interval: CandleInterval): CandleIntervalName {
  return typeof interval === 'string' ? interval : interval.name;
}

/** The interval's rule with its boundaries moved to its time zone: local boundaries are `offsetMs` earlier in UTC. */
export function candleIntervalRule(interval: CandleInterval): CandleIntervalRule {
  if (typeof interval === 'string' || interval.offsetMs === 0) {
    return CANDLE_INTERVALS[candleIntervalName(interval)];
  }
  const rule = CANDLE_INTERVALS[interval.name];
  return rule.kind === 'fixed' ? { kind: 'fixed', ms: rule.ms, originMs: rule.originMs - interval.offsetMs } : { kind: 'month', offsetMs: interval.offsetMs };
}

/** Epoch ms at which the candle holding `time` opens. */
export function candleOpenTime(interval: CandleInterval, time: number): number {
  const rule = candleIntervalRule(interval);
  if (rule.kind === 'fixed') {
    return time - mod(time - rule.originMs, rule.ms);
  }
  const date = new Date(time + rule.offsetMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) - rule.offsetMs;
}

/** Epoch ms at which the candle `steps` intervals after the one opening at `openTime` opens (`steps` may be negative). */
export function candleOpenTimeAfter(interval: CandleInterval, openTime: number, steps = 1): number {
  const rule = candleIntervalRule(interval);
  if (rule.kind === 'fixed') {
    return openTime + steps * rule.ms;
  }
  const date = new Date(openTime + rule.offsetMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + steps, 1) - rule.offsetMs;
}

/** Last millisecond of the candle opening at `openTime`: the next one's open − 1 ms, like Binance's close time. */
export function candleCloseTime(interval: CandleInterval, openTime: number): number {
  return candleOpenTimeAfter(interval, openTime) - 1;
}

/** A remainder that is never negative, so times before an interval's origin still fall in the candle holding them. */
function mod(value: number, divisor: number): number {
  const remainder = value % divisor;
  return remainder < 0 ? remainder + divisor : remainder;
}
