import { parseStreamFrame } from './stream-frame.parser';

describe('parseStreamFrame', () => {
  it('turns a combined aggTrade frame into a domain trade with exact decimal strings', () => {
    const frame = parseStreamFrame(
      '{"stream":"bnbbtc@aggTrade","data":{"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.00100000","q":"100.00000000","f":100,"l":105,"T":1672515782130,"m":true,"M":true}}',
    );
    expect(frame).toEqual({
      kind: 'aggTrade',
      trade: {
        symbol: 'BNBBTC',
        tradeId: 12345,
        price: '0.00100000',
        quantity: '100.00000000',
        firstTradeId: 100,
        lastTradeId: 105,
        tradeTime: 1672515782130,
        isBuyerMaker: true,
      },
    });
  });

  it('recognises acknowledgements', () => {
    expect(parseStreamFrame('{"result":null,"id":7}')).toEqual({ kind: 'result', id: 7, result: null });
  });

  it('recognises the nested error form', () => {
    expect(parseStreamFrame('{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":2}')).toEqual({
      kind: 'error',
      id: 2,
      code: 2,
      message: 'Invalid request: invalid stream',
    });
  });

  it('recognises serverShutdown in both forms', () => {
    expect(parseStreamFrame('{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}')).toEqual({
      kind: 'serverShutdown',
      eventTime: 1770123456789,
    });
    expect(parseStreamFrame('{"e":"serverShutdown","E":5}')).toEqual({ kind: 'serverShutdown', eventTime: 5 });
  });

  it('passes other streams through as other', () => {
    expect(parseStreamFrame('{"stream":"btcusdt@trade","data":{"e":"trade"}}')).toEqual({ kind: 'other', stream: 'btcusdt@trade' });
  });

  it('throws on text that is not JSON', () => {
    expect(() => parseStreamFrame('not json')).toThrow();
  });
});
