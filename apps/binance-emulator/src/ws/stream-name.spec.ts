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

  it.each(['btcusdt', 'btcusdt@aggtrade', 'btcusdt@AGGTRADE', '@aggTrade', 'btc usdt@trade', '0', '!ticker@arr', 'btcusdt@kline_2m'])(
    'rejects %s',
    (name) => {
      expect(parseStreamName(name)).toBeNull();
    },
  );
});
