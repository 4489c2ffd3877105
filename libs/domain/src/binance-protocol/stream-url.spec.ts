import { parseStreamUrl } from './stream-url';

describe('stream URLs read as Binance reads them', () => {
  it.each([
    ['/ws', false, []],
    ['/ws/', false, []],
    ['/ws/btcusdt@aggTrade/ethusdt@kline_1m', false, ['btcusdt@aggTrade', 'ethusdt@kline_1m']],
    ['/ws/0', false, ['0']],
    ['/stream', true, ['']],
    ['/stream?streams=btcusdt@aggTrade/!miniTicker@arr', true, ['btcusdt@aggTrade', '!miniTicker@arr']],
  ])('%s', (url, combined, streams) => {
    expect(parseStreamUrl(url)).toMatchObject({ combined, streams, timeUnit: 'millisecond' });
  });

  it('decodes the path', () => {
    expect(parseStreamUrl('/ws/%21miniTicker%40arr')).toMatchObject({ path: '/ws/!miniTicker@arr', streams: ['!miniTicker@arr'] });
  });

  it.each([
    ['/ws?timeUnit=MILLISECOND', 'millisecond'],
    ['/ws?timeUnit=millisecond', 'millisecond'],
    ['/ws?timeUnit=MICROSECOND', 'microsecond'],
    ['/stream?streams=btcusdt@aggTrade&timeUnit=microsecond', 'microsecond'],
    ['/ws?timeUnit=SECOND', 'unknown'],
  ])('%s: time unit %s', (url, timeUnit) => {
    expect(parseStreamUrl(url)?.timeUnit).toBe(timeUnit);
  });

  it.each(['/', '/api/v3/ping', '/wss/btcusdt@aggTrade', '/ws/%zz', undefined])('%s is not a stream endpoint', (url) => {
    expect(parseStreamUrl(url)).toBeNull();
  });
});
