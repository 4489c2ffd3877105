import type { KlineStreamInterval } from '../streams/stream-name';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 1970-01-05, the first Monday after the epoch: Binance's weeks open on Monday 00:00 UTC. */
const FIRST_MONDAY = 4 * DAY;

const FIXED: Record<Exclude<KlineStreamInterval, '1M'>, number> = {
  '1s': SECOND,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': 7 * DAY,
};

/** Epoch ms at which the kline holding `time` opens (UTC; weeks from Monday, months on the 1st). */
export function klineOpenTime(interval: KlineStreamInterval, time: number): number {
  if (interval === '1M') {
    const date = new Date(time);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
  const origin = interval === '1w' ? FIRST_MONDAY : 0;
  const length = FIXED[interval];
  return time - ((((time - origin) % length) + length) % length);
}

/** Epoch ms at which the kline after the one opening at `openTime` opens. */
export function nextKlineOpenTime(interval: KlineStreamInterval, openTime: number): number {
  if (interval === '1M') {
    const date = new Date(openTime);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
  return openTime + FIXED[interval];
}
