import { readStreamName } from './stream-name';

describe('stream names read as Binance reads them', () => {
  it.each([
    ['btcusdt@aggTrade', 'btcusdt', 'aggTrade'],
    ['BTCUSDT@aggTrade', 'BTCUSDT', 'aggTrade'],
    ['btcusdt@trade', 'btcusdt', 'trade'],
    ['btcusdt@kline_1m', 'btcusdt', 'kline_1m'],
    ['ethbtc@kline_1M', 'ethbtc', 'kline_1M'],
    ['btcusdt@kline_1m@+08:00', 'btcusdt', 'kline_1m@+08:00'],
    ['xrpxrp@miniTicker', 'xrpxrp', 'miniTicker'],
    ['btcusdt@depth20@100ms', 'btcusdt', 'depth20@100ms'],
    ['btcusdt@bookTicker', 'btcusdt', 'bookTicker'],
    ['!miniTicker@arr', null, 'miniTicker'],
    ['!ticker_1h@arr', null, 'ticker_1h'],
  ])('%s is valid', (name, symbol, type) => {
    expect(readStreamName(name)).toEqual({ symbol, type });
  });

  it.each([
    'btcusdt',
    'btcusdt@aggtrade',
    'btcusdt@AGGTRADE',
    '@aggTrade',
    'btc usdt@trade',
    'btc usdt@aggTrade',
    '0',
    '!ticker@arr',
    '!miniTicker',
    'btcusdt@kline_2m',
  ])('%s is invalid', (name) => {
    expect(readStreamName(name)).toBeNull();
  });
});
