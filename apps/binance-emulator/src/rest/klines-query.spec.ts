import { BinanceApiError } from '@binance-rates/domain';
import { parseKlinesQuery } from './klines-query';

const parse = (query: string) => parseKlinesQuery(new URLSearchParams(query), (symbol) => symbol === 'BTCUSDT');
const errorOf = (query: string) => {
  const result = parse(query);
  return result instanceof BinanceApiError ? { code: result.code, msg: result.msg } : 'ok';
};

describe('parseKlinesQuery', () => {
  it('defaults the limit to 500, caps it at 1000, reads times and the time zone', () => {
    expect(parse('symbol=BTCUSDT&interval=1m')).toEqual({ symbol: 'BTCUSDT', interval: '1m', offsetMs: 0, limit: 500 });
    expect(parse('symbol=BTCUSDT&interval=1M&limit=5000&startTime=1&endTime=2&timeZone=-1:30')).toEqual({
      symbol: 'BTCUSDT', interval: '1M', offsetMs: -90 * 60_000, limit: 1000, startTime: 1, endTime: 2,
    });
  });

  it('checks in Binance order: mandatory, syntax, interval, numbers, time zone, then the symbol', () => {
    expect(errorOf('interval=nope')).toMatchObject({ code: -1102, msg: expect.stringContaining("'symbol'") });
    expect(errorOf('symbol=NOPE')).toMatchObject({ code: -1102, msg: expect.stringContaining("'interval'") });
    expect(errorOf('symbol=NOPE&interval=1H')).toEqual({ code: -1120, msg: 'Invalid interval.' });
    expect(errorOf('symbol=NOPE&interval=1h&limit=x')).toMatchObject({ code: -1100 });
    expect(errorOf('symbol=NOPE&interval=1h&limit=0')).toMatchObject({ code: -1130 });
    expect(errorOf('symbol=NOPE&interval=1h&timeZone=15')).toEqual({ code: -1130, msg: "Data sent for parameter 'timeZone' is not valid." });
    expect(errorOf('symbol=NOPE&interval=1h&timeZone=14:00')).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    expect(errorOf('symbol=BTCUSDT&interval=1h&timeZone=-12:01')).toMatchObject({ code: -1130 });
  });
});
