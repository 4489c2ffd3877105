import type { Candle } from '@binance-rates/domain';
import { aggTrade } from '@binance-rates/testing';
import { LiveDay } from './live-day';
import { DAY_MS } from './rolling-day';

const MINUTE = 60_000;
const T0 = 1_700_000_040_000; // a minute boundary

function candle(openTime: number, fields: Partial<Candle>): Candle {
  return { openTime, open: '1', high: '1', low: '1', close: '1', volume: '1', quoteVolume: '1', trades: 1, firstTradeId: 1, lastTradeId: 1, ...fields } as Candle;
}

describe('a rolling day kept from candles and live trades', () => {
  it('adds seeded minutes and live trades up, exactly', () => {
    const day = new LiveDay('ETHBTC', {
      candles: [candle(T0, { open: '0.5', high: '0.9', low: '0.4', close: '0.6', volume: '2', quoteVolume: '1.1', lastTradeId: 7 })],
      lastAggId: 7,
    });
    day.add(aggTrade({ symbol: 'ETHBTC', tradeId: 8, price: '0.95', quantity: '1', tradeTime: T0 + MINUTE + 5 }));
    expect(JSON.parse(day.tick(T0 + MINUTE + 10) as string)).toEqual({
      e: '24hrMiniTicker', E: T0 + MINUTE + 10, s: 'ETHBTC', c: '0.95000000', o: '0.50000000', h: '0.95000000', l: '0.40000000', v: '3.00000000', q: '2.05000000',
    });
  });

  it('says nothing while nothing changed, and ignores a trade it already holds', () => {
    const day = new LiveDay('ETHBTC', { candles: [candle(T0, { lastTradeId: 7 })], lastAggId: 7 });
    expect(day.tick(T0 + 1)).not.toBeNull();
    day.add(aggTrade({ symbol: 'ETHBTC', tradeId: 7, price: '5', tradeTime: T0 + 2 }));
    expect(day.tick(T0 + 3)).toBeNull();
  });

  it('lets minutes older than the window go', () => {
    const day = new LiveDay('ETHBTC', {
      candles: [candle(T0, { open: '9', high: '9', volume: '5', quoteVolume: '45' }), candle(T0 + MINUTE, { open: '2', high: '2', low: '2', close: '2', volume: '1', quoteVolume: '2' })],
      lastAggId: 2,
    });
    const later = JSON.parse(day.tick(T0 + DAY_MS + MINUTE + 1) as string);
    expect(later).toMatchObject({ o: '2.00000000', h: '2.00000000', v: '1.00000000', q: '2.00000000' });
  });
});
