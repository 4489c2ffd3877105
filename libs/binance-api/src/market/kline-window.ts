import { type CandleInterval, candleOpenTime, candleOpenTimeAfter } from '@binance-rates/domain';

/** The open times of the first and last kline a request covers, both inclusive. */
export interface KlineWindow {
  firstOpen: number;
  lastOpen: number;
}

/**
 * Which klines a `GET /api/v3/klines` request covers. Binance keys a kline by its open time ("Klines are uniquely
 * identified by their open time"), so `startTime` and `endTime` bound open times: the first kline is the one opening
 * at or after `startTime`, the last the one opening at or before `endTime`. With `startTime`, the first `limit` from
 * there; without it, the last `limit` up to `endTime` (or now). Nothing opens after the current interval; null when
 * no kline is covered (`startTime` after `endTime`, or in the future).
 */
export function klineWindow(params: { interval: CandleInterval; limit: number; startTime?: number; endTime?: number; now: number }): KlineWindow | null {
  const { interval, limit, startTime, endTime, now } = params;
  const current = candleOpenTime(interval, now);
  const last = endTime === undefined ? current : Math.min(current, candleOpenTime(interval, endTime));
  if (startTime === undefined) {
    return { firstOpen: candleOpenTimeAfter(interval, last, -(limit - 1)), lastOpen: last };
  }
  const holding = candleOpenTime(interval, startTime);
  const firstOpen = holding < startTime ? candleOpenTimeAfter(interval, holding) : holding;
  const lastOpen = Math.min(last, candleOpenTimeAfter(interval, firstOpen, limit - 1));
  return firstOpen > lastOpen ? null : { firstOpen, lastOpen };
}
