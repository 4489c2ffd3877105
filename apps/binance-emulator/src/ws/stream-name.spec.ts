import { parseStreamName } from './stream-name';

describe('parseStreamName', () => {
  it.each([
    ['btcusdt@aggTrade', 'aggTrade', 'btcusdt'],
    ['btcusdt@trade', 'trade', 'btcusdt'],
    ['BTCUSDT@aggTrade', 'aggTrade', 'BTCUSDT'],
    ['xrpxrp@miniTicker', 'silent', 'xrpxrp'],
    ['btcusdt@kline_1m@+08:00', 'silent', 'btcusdt'],
    ['btcusdt@depth20@100ms', 'silent', 'btcusdt'],
    ['!miniTicker@arr', 'silent', null],
  ])('accepts %s', (name, kind, symbol) => {
    expect(parseStreamName(name)).toEqual({ kind, symbol });
  });

  // The full list of invalid names is in libs/binance's protocol/stream-name.spec.ts.
  it.each(['btcusdt@aggtrade', '!ticker@arr'])('rejects %s', (name) => {
    expect(parseStreamName(name)).toBeNull();
  });
});
