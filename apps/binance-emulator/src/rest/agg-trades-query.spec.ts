import { BinanceApiError } from '@binance-rates/domain';
import { parseAggTradesQuery } from './agg-trades-query';

const known = (symbol: string) => symbol === 'BTCUSDT';
const parse = (query: string) => parseAggTradesQuery(new URLSearchParams(query), known);
const codeOf = (query: string) => {
  const result = parse(query);
  return result instanceof BinanceApiError ? result.code : 'ok';
};

describe('parseAggTradesQuery', () => {
  it('defaults the limit to 500 and caps it at 1000', () => {
    expect(parse('symbol=BTCUSDT')).toEqual({ symbol: 'BTCUSDT', limit: 500 });
    expect(parse('symbol=BTCUSDT&limit=5000&fromId=7')).toEqual({ symbol: 'BTCUSDT', limit: 1000, fromId: 7 });
  });

  it('accepts a time window', () => {
    expect(parse('symbol=BTCUSDT&startTime=1&endTime=2')).toEqual({ symbol: 'BTCUSDT', limit: 500, startTime: 1, endTime: 2 });
  });

  it.each([
    ['', -1102],
    ['symbol=', -1102],
    ['symbol=btcusdt', -1100],
    ['symbol=BTCUSDT&fromId=-1', -1100],
    ['symbol=BTCUSDT&limit=abc', -1100],
    ['symbol=BTCUSDT&limit=0', -1130],
    ['symbol=BTCUSDT&fromId=1&startTime=1', -1128],
    ['symbol=BTCUSDT&startTime=5&endTime=1', -1128],
    ['symbol=ETHUSDT', -1121],
  ])('%s → %d', (query, code) => {
    expect(codeOf(query)).toBe(code);
  });

  it('uses Binance messages', () => {
    expect((parse('') as BinanceApiError).msg).toBe("Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    expect((parse('symbol=ETHUSDT') as BinanceApiError).body).toBe('{"code":-1121,"msg":"Invalid symbol."}');
  });
});
