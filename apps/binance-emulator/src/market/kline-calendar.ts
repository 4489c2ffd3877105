/** The kline intervals of rest-api.md ("Kline/Candlestick data"), case-sensitive. */
export const KLINE_INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;
export type KlineInterval = (typeof KLINE_INTERVALS)[number];

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const LENGTH: Record<Exclude<KlineInterval, '1M'>, number> = {
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
/** 1970-01-01 was a Thursday: weeks open on Mondays, 4 days on. */
const FIRST_MONDAY = 4 * DAY;

/**
 * Kline boundaries on the clock of a time zone `offsetMs` east of UTC (klines' `timeZone`): the kline holding an
 * epoch-ms time is found on the local clock (local = UTC + offset) and its open given back in epoch ms.
 */
export class KlineCalendar {
  constructor(
    readonly interval: KlineInterval,
    readonly offsetMs: number,
  ) {}

  openOf(time: number): number {
    const local = time + this.offsetMs;
    if (this.interval === '1M') {
      const date = new Date(local);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) - this.offsetMs;
    }
    const length = LENGTH[this.interval];
    const origin = this.interval === '1w' ? FIRST_MONDAY : 0;
    const into = (((local - origin) % length) + length) % length;
    return local - into - this.offsetMs;
  }

  /** The open of the kline `steps` after the one opening at `open` (negative: before). */
  after(open: number, steps = 1): number {
    if (this.interval === '1M') {
      const date = new Date(open + this.offsetMs);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + steps, 1) - this.offsetMs;
    }
    return open + steps * LENGTH[this.interval];
  }
}
