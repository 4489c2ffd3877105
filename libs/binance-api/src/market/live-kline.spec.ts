import { aggTrade } from '@binance-rates/testing';
import { emptyKline } from './kline-accumulator';
import { LiveKline } from './live-kline';

const OPEN = 1_700_000_040_000; // a minute boundary

function kline(event: string) {
  return (JSON.parse(event) as { k: Record<string, unknown> }).k;
}

describe('a live kline kept from trades', () => {
  function startedKline() {
    return new LiveKline('BTCUSDT', '1m', { openTime: OPEN, kline: emptyKline('100') });
  }

  it('adds trades: raw trade count, first and last raw ids, taker-buy volumes, exact sums', () => {
    const live = startedKline();
    live.add(aggTrade({ symbol: 'BTCUSDT', tradeId: 10, price: '100.5', quantity: '2', firstTradeId: 100, lastTradeId: 102, tradeTime: OPEN + 1, isBuyerMaker: false }), OPEN + 2);
    live.add(aggTrade({ symbol: 'BTCUSDT', tradeId: 11, price: '99.25', quantity: '0.1', firstTradeId: 103, lastTradeId: 103, tradeTime: OPEN + 5, isBuyerMaker: true }), OPEN + 6);
    const [event] = live.tick(OPEN + 1_000, true);
    expect(JSON.parse(event)).toMatchObject({ e: 'kline', E: OPEN + 1_000, s: 'BTCUSDT' });
    expect(kline(event)).toEqual({
      t: OPEN, T: OPEN + 59_999, s: 'BTCUSDT', i: '1m', f: 100, L: 103,
      o: '100.50000000', c: '99.25000000', h: '100.50000000', l: '99.25000000',
      v: '2.10000000', n: 4, x: false, q: '210.92500000', V: '2.00000000', Q: '201.00000000', B: '0',
    });
  });

  it('pushes the open kline only when it changed', () => {
    const live = startedKline();
    expect(live.tick(OPEN + 1_000, true)).toHaveLength(1);
    expect(live.tick(OPEN + 2_000, true)).toHaveLength(0);
  });

  it('closes the interval with x true once it ends, and opens the next at the previous close with ids of -1', () => {
    const live = startedKline();
    live.add(aggTrade({ symbol: 'BTCUSDT', tradeId: 10, price: '101', quantity: '1', firstTradeId: 5, lastTradeId: 5, tradeTime: OPEN + 1 }), OPEN + 1);
    const [closed, next] = live.tick(OPEN + 60_000, true);
    expect(kline(closed)).toMatchObject({ t: OPEN, x: true, c: '101.00000000', n: 1 });
    expect(kline(next)).toMatchObject({ t: OPEN + 60_000, x: false, o: '101.00000000', c: '101.00000000', v: '0.00000000', n: 0, f: -1, L: -1 });
  });

  it('a trade of the next interval closes the current one at once; an old or repeated trade is ignored', () => {
    const live = startedKline();
    live.add(aggTrade({ symbol: 'BTCUSDT', tradeId: 10, price: '101', quantity: '1', tradeTime: OPEN + 1 }), OPEN + 1);
    expect(live.add(aggTrade({ symbol: 'BTCUSDT', tradeId: 10, price: '500', quantity: '1', tradeTime: OPEN + 2 }), OPEN + 2)).toEqual([]);
    const closed = live.add(aggTrade({ symbol: 'BTCUSDT', tradeId: 11, price: '102', quantity: '1', tradeTime: OPEN + 60_001 }), OPEN + 60_002);
    expect(closed.map((event) => kline(event))).toEqual([expect.objectContaining({ t: OPEN, x: true, h: '101.00000000' })]);
  });
});
