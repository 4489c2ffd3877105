import { parseStreamName } from './stream-name';

describe('stream names read as Binance reads them', () => {
  it.each([
    ['btcusdt@aggTrade', { kind: 'aggTrade', symbol: 'BTCUSDT' }],
    ['btcusdt@kline_1m', { kind: 'kline', symbol: 'BTCUSDT', interval: '1m' }],
    ['ethbtc@kline_1M', { kind: 'kline', symbol: 'ETHBTC', interval: '1M' }],
    ['btcusdt@miniTicker', { kind: 'miniTicker', symbol: 'BTCUSDT' }],
    ['!miniTicker@arr', { kind: 'allMiniTickers' }],
  ])('%s carries data', (name, topic) => {
    expect(parseStreamName(name)).toEqual(topic);
  });

  it.each(['btcusdt@trade', 'btcusdt@depth20@100ms', 'btcusdt@bookTicker', 'btcusdt@kline_1m@+08:00', '!ticker_1h@arr'])(
    '%s is valid and silent (data we do not keep)',
    (name) => {
      expect(parseStreamName(name)?.kind).toBe('silent');
    },
  );

  it('an upper-case symbol is valid and silent, as on Binance', () => {
    expect(parseStreamName('BTCUSDT@aggTrade')).toEqual({ kind: 'silent', symbol: null });
  });

  // The full list of invalid names is in libs/binance's protocol/stream-name.spec.ts.
  it.each(['btcusdt@aggtrade', 'btcusdt@kline_2m'])('%s is invalid', (name) => {
    expect(parseStreamName(name)).toBeNull();
  });
});
