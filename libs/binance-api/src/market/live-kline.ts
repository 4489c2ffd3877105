import { type AggTrade, candleOpenTime, candleOpenTimeAfter, type KlineStreamInterval } from '@binance-rates/domain';
import { KlineTotals, addTrade, emptyKline, klineEventJson } from './kline-accumulator';

/**
 * One symbol's current kline of one interval, kept from the live trades: Binance's kline stream pushes the open kline
 * every 2 s (every 1 s for `1s`) while it changes, then once more with `x: true` when its interval ends; an interval
 * without trades is pushed too, with the previous close and no volume.
 */
export class LiveKline {
  private openTime: number;
  private nextOpen: number;
  private kline: KlineTotals;
  private changed = true;

  constructor(
    readonly symbol: string,
    readonly interval: KlineStreamInterval,
    /** The current interval so far (read from the history when the stream started), and when it opened. */
    seed: { openTime: number; kline: KlineTotals },
  ) {
    this.openTime = seed.openTime;
    this.nextOpen = candleOpenTimeAfter(interval, seed.openTime);
    this.kline = seed.kline;
  }

  /** How often the open kline is pushed. */
  get pushEveryMs(): number {
    return this.interval === '1s' ? 1_000 : 2_000;
  }

  /** Adds a live trade; returns the events of the intervals it closed (a trade of a later interval closes the current). */
  add(trade: AggTrade, eventTime: number): string[] {
    if (trade.tradeId <= this.kline.lastAggId || trade.tradeTime < this.openTime) {
      return [];
    }
    const closed = this.closeUntil(trade.tradeTime, eventTime);
    addTrade(this.kline, trade);
    this.changed = true;
    return closed;
  }

  /**
   * The events due at `now`: every interval that ended (closed, `x: true`), then the open kline when it changed since
   * its last push (`pushRunning`: this tick is one of its pushes).
   */
  tick(now: number, pushRunning: boolean): string[] {
    const events = this.closeUntil(now, now);
    if (pushRunning && this.changed) {
      this.changed = false;
      events.push(this.eventJson(false, now));
    }
    return events;
  }

  private closeUntil(time: number, eventTime: number): string[] {
    const events: string[] = [];
    while (time >= this.nextOpen) {
      events.push(this.eventJson(true, eventTime));
      this.openTime = this.nextOpen;
      this.nextOpen = candleOpenTimeAfter(this.interval, this.openTime);
      const lastAggId = this.kline.lastAggId;
      this.kline = emptyKline(this.kline.close);
      this.kline.lastAggId = lastAggId;
      this.changed = true;
      if (candleOpenTime(this.interval, time) > this.openTime && events.length > 1_000) {
        // A clock jump of more than 1,000 intervals: start at the current one rather than push each empty one.
        this.openTime = candleOpenTime(this.interval, time);
        this.nextOpen = candleOpenTimeAfter(this.interval, this.openTime);
      }
    }
    return events;
  }

  private eventJson(closed: boolean, eventTime: number): string {
    return klineEventJson({
      symbol: this.symbol,
      interval: this.interval,
      openTime: this.openTime,
      closeTime: this.nextOpen - 1,
      kline: this.kline,
      closed,
      eventTime,
    });
  }
}
