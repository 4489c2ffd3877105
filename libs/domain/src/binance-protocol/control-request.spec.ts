import { formatError, formatResult, parseControlRequest } from './control-request';

/** The frame a server sends back: the error, or (for a valid request) the request as read. */
function answer(text: string): string {
  const parsed = parseControlRequest(text);
  return parsed.ok ? JSON.stringify(parsed.request) : formatError(parsed.error);
}

describe('control requests answered as Binance answers them', () => {
  it('reads SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS and the combined property', () => {
    expect(parseControlRequest('{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":1}')).toEqual({
      ok: true,
      request: { method: 'SUBSCRIBE', id: 1, streams: ['btcusdt@aggTrade'] },
    });
    expect(parseControlRequest('{"method":"UNSUBSCRIBE","params":["btcusdt@aggTrade"],"id":"a-1"}')).toEqual({
      ok: true,
      request: { method: 'UNSUBSCRIBE', id: 'a-1', streams: ['btcusdt@aggTrade'] },
    });
    expect(parseControlRequest('{"method":"LIST_SUBSCRIPTIONS","id":null}')).toEqual({ ok: true, request: { method: 'LIST_SUBSCRIPTIONS', id: null } });
    expect(parseControlRequest('{"method":"SET_PROPERTY","params":["combined",true],"id":5}')).toEqual({
      ok: true,
      request: { method: 'SET_PROPERTY', id: 5, combined: true },
    });
    expect(parseControlRequest('{"method":"GET_PROPERTY","params":["combined"],"id":2}')).toEqual({ ok: true, request: { method: 'GET_PROPERTY', id: 2 } });
  });

  it('reads SUBSCRIBE with many streams, an upper-case symbol among them', () => {
    expect(parseControlRequest('{"method":"SUBSCRIBE","params":["btcusdt@aggTrade","BTCUSDT@trade"],"id":1}')).toEqual({
      ok: true,
      request: { method: 'SUBSCRIBE', id: 1, streams: ['btcusdt@aggTrade', 'BTCUSDT@trade'] },
    });
  });

  it('accepts string and null ids', () => {
    expect(parseControlRequest('{"method":"LIST_SUBSCRIPTIONS","id":"abc-1"}').ok).toBe(true);
    expect(parseControlRequest('{"method":"LIST_SUBSCRIPTIONS","id":null}').ok).toBe(true);
  });

  it.each([
    ['{"method":"SUBSCRIBE","params":["btcusdt@nope"],"id":7}', '{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":7}'],
    ['{"method":"SUBSCRIBE","id":7}', '{"error":{"code":2,"msg":"Invalid request: missing field `params`"},"id":7}'],
    ['{"method":"LIST_SUBSCRIPTIONS","params":["x"],"id":7}', '{"error":{"code":2,"msg":"Invalid request: too many parameters"},"id":7}'],
    ['{"method":"SET_PROPERTY","params":["foo",true],"id":2}', '{"error":{"code":0,"msg":"Unknown property"},"id":2}'],
    ['{"method":"SET_PROPERTY","params":["combined","yes"],"id":7}', '{"error":{"code":1,"msg":"Invalid value type: expected Boolean"},"id":7}'],
    ['{"method":"SET_PROPERTY","params":[5,true],"id":2}', '{"error":{"code":2,"msg":"Invalid request: property name must be a string"},"id":2}'],
    ['{"method":"GET_PROPERTY","params":["other"],"id":7}', '{"error":{"code":0,"msg":"Unknown property"},"id":7}'],
    ['{"method":"GET_PROPERTY","params":["combined","x"],"id":2}', '{"error":{"code":2,"msg":"Invalid request: too many parameters"},"id":2}'],
    ['{"method":"SUBSCRIBE","params":[],"id":1.5}', '{"error":{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"},"id":null}'],
    ['{"method":"SUBSCRIBE","params":[],"id":{"a":1}}', '{"error":{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"},"id":null}'],
    ['{"params":[],"id":1}', '{"error":{"code":2,"msg":"Invalid request: missing field `method` at line 1 column 20"},"id":1}'],
    ['nope', '{"error":{"code":3,"msg":"Invalid JSON: expected value at line 1 column 5"},"id":null}'],
  ])('%s → %s', (request, expected) => {
    expect(answer(request)).toBe(expected);
  });

  it('reports truncated JSON as code 3 with a serde-style position', () => {
    expect(answer('{"method":')).toMatch(/^\{"error":\{"code":3,"msg":"Invalid JSON: expected value at line 1 column \d+"\},"id":null\}$/);
  });

  it('names the unknown method', () => {
    expect(answer('{"method":"SUBSCRIB","id":3}')).toContain('unknown variant `SUBSCRIB`, expected one of `SUBSCRIBE`');
  });

  it('reports a missing method', () => {
    expect(answer('{"id":3}')).toContain('missing field `method`');
  });

  it('acknowledges with a null result and lists as an array', () => {
    expect(formatResult(1, null)).toBe('{"result":null,"id":1}');
    expect(formatResult(3, ['btcusdt@aggTrade'])).toBe('{"result":["btcusdt@aggTrade"],"id":3}');
    expect(formatResult('x', ['btcusdt@aggTrade'])).toBe('{"result":["btcusdt@aggTrade"],"id":"x"}');
  });
});
