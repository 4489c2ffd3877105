import type { AggTrade, Candle } from '@binance-rates/domain';
import { fixed8, formatUnits16, formatUnits8, units8 } from './decimal8';
import { MINUTE_MS, dayWindowOpen, units16 } from './rolling-day';

interface MinuteBucket {
  openTime: number;
  open: string;
  close: string;
  high: bigint;
  low: bigint;
  highText: string;
  lowText: string;
  volume: bigint;
  quoteVolume16: bigint;
}

/**
 * One symbol's rolling 24-hour statistics for `<symbol>@miniTicker` and `!miniTicker@arr`: 1-minute buckets from the
 * history when the stream started, then from the live trades; the window opens on the minute holding now − 24 h, as
 * `GET /api/v3/ticker/24hr` computes it, so both agree. Volumes are running sums; high and low are found again only
 * when an event is due.
 */
export class LiveDay {
  private readonly buckets: MinuteBucket[] = [];
  private volume = 0n;
  private quoteVolume16 = 0n;
  private lastAggId: number;
  private changed = true;

  constructor(
    readonly symbol: string,
    seed: { candles: readonly Candle[]; lastAggId: number },
  ) {
    for (const candle of seed.candles) {
      if (candle.trades === 0) continue;
      const high = units8(candle.high);
      const low = units8(candle.low);
      const bucket: MinuteBucket = {
        openTime: candle.openTime,
        open: fixed8(candle.open),
        close: fixed8(candle.close),
        high,
        low,
        highText: fixed8(candle.high),
        lowText: fixed8(candle.low),
        volume: units8(candle.volume),
        quoteVolume16: units16(candle.quoteVolume),
      };
      this.buckets.push(bucket);
      this.volume += bucket.volume;
      this.quoteVolume16 += bucket.quoteVolume16;
    }
    this.lastAggId = seed.lastAggId;
  }

  add(trade: AggTrade): void {
    if (trade.tradeId <= this.lastAggId) {
      return;
    }
    this.lastAggId = trade.tradeId;
    const price = fixed8(trade.price);
    const priceUnits = units8(price);
    const quantity = units8(trade.quantity);
    const minute = trade.tradeTime - (trade.tradeTime % MINUTE_MS);
    let bucket = this.buckets[this.buckets.length - 1];
    if (bucket === undefined || bucket.openTime < minute) {
      bucket = { openTime: minute, open: price, close: price, high: priceUnits, low: priceUnits, highText: price, lowText: price, volume: 0n, quoteVolume16: 0n };
      this.buckets.push(bucket);
    }
    bucket.close = price;
    if (priceUnits > bucket.high) [bucket.high, bucket.highText] = [priceUnits, price];
    if (priceUnits < bucket.low) [bucket.low, bucket.lowText] = [priceUnits, price];
    bucket.volume += quantity;
    bucket.quoteVolume16 += priceUnits * quantity;
    this.volume += quantity;
    this.quoteVolume16 += priceUnits * quantity;
    this.changed = true;
  }

  /**
   * The `24hrMiniTicker` event due at `now`, or null when nothing changed since the last one (Binance's all-market
   * array carries only the symbols that changed) or the window holds no trade.
   * {"e":"24hrMiniTicker","E":…,"s":"BNBBTC","c":"0.0025","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18"}
   */
  tick(now: number): string | null {
    const windowOpen = dayWindowOpen(now);
    while (this.buckets.length > 0 && this.buckets[0].openTime < windowOpen) {
      const expired = this.buckets.shift() as MinuteBucket;
      this.volume -= expired.volume;
      this.quoteVolume16 -= expired.quoteVolume16;
      this.changed = true;
    }
    if (!this.changed || this.buckets.length === 0) {
      return null;
    }
    this.changed = false;
    let high = this.buckets[0];
    let low = this.buckets[0];
    for (const bucket of this.buckets) {
      if (bucket.high > high.high) high = bucket;
      if (bucket.low < low.low) low = bucket;
    }
    return (
      `{"e":"24hrMiniTicker","E":${now},"s":"${this.symbol}","c":"${this.buckets[this.buckets.length - 1].close}",` +
      `"o":"${this.buckets[0].open}","h":"${high.highText}","l":"${low.lowText}","v":"${formatUnits8(this.volume)}",` +
      `"q":"${formatUnits16(this.quoteVolume16)}"}`
    );
  }
}
