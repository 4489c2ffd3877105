import { formatError, formatResult, isControlError, parseControlRequest } from './control-request';

function answer(text: string): string {
  const parsed = parseControlRequest(text);
  return isControlError(parsed) ? formatError(parsed) : JSON.stringify(parsed);
}

describe('control requests answered as Binance answers them', () => {
  it('reads SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS and the combined property', () => {
    expect(parseControlRequest('{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":1}')).toEqual({ method: 'SUBSCRIBE', id: 1, streams: ['btcusdt@aggTrade'] });
    expect(parseControlRequest('{"method":"UNSUBSCRIBE","params":["btcusdt@aggTrade"],"id":"a-1"}')).toEqual({ method: 'UNSUBSCRIBE', id: 'a-1', streams: ['btcusdt@aggTrade'] });
    expect(parseControlRequest('{"method":"LIST_SUBSCRIPTIONS","id":null}')).toEqual({ method: 'LIST_SUBSCRIPTIONS', id: null });
    expect(parseControlRequest('{"method":"SET_PROPERTY","params":["combined",true],"id":5}')).toEqual({ method: 'SET_PROPERTY', id: 5, combined: true });
    expect(parseControlRequest('{"method":"GET_PROPERTY","params":["combined"],"id":2}')).toEqual({ method: 'GET_PROPERTY', id: 2 });
  });

  it.each([
    ['{"method":"SUBSCRIBE","params":["btcusdt@nope"],"id":7}', '{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":7}'],
    ['{"method":"SUBSCRIBE","id":7}', '{"error":{"code":2,"msg":"Invalid request: missing field `params`"},"id":7}'],
    ['{"method":"LIST_SUBSCRIPTIONS","params":["x"],"id":7}', '{"error":{"code":2,"msg":"Invalid request: too many parameters"},"id":7}'],
    ['{"method":"SET_PROPERTY","params":["combined","yes"],"id":7}', '{"error":{"code":1,"msg":"Invalid value type: expected Boolean"},"id":7}'],
    ['{"method":"GET_PROPERTY","params":["other"],"id":7}', '{"error":{"code":0,"msg":"Unknown property"},"id":7}'],
    ['{"method":"SUBSCRIBE","params":[],"id":1.5}', '{"error":{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"},"id":null}'],
    ['{"params":[],"id":1}', '{"error":{"code":2,"msg":"Invalid request: missing field `method` at line 1 column 20"},"id":1}'],
    ['nope', '{"error":{"code":3,"msg":"Invalid JSON: expected value at line 1 column 5"},"id":null}'],
  ])('%s → %s', (request, expected) => {
    expect(answer(request)).toBe(expected);
  });

  it('acknowledges with a null result and lists as an array', () => {
    expect(formatResult(1, null)).toBe('{"result":null,"id":1}');
    expect(formatResult(3, ['btcusdt@aggTrade'])).toBe('{"result":["btcusdt@aggTrade"],"id":3}');
  });
});
