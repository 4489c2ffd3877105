import { formatError, formatResult, parseControlRequest } from './control-request';

function errorOf(text: string): string {
  const parsed = parseControlRequest(text);
  if (parsed.ok) {
    throw new Error('expected an error');
  }
  return formatError(parsed.error);
}

describe('parseControlRequest', () => {
  it('parses SUBSCRIBE with many streams', () => {
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
    ['{"method":"SET_PROPERTY","params":["foo",true],"id":2}', '{"error":{"code":0,"msg":"Unknown property"},"id":2}'],
    ['{"method":"SET_PROPERTY","params":["combined","yes"],"id":2}', '{"error":{"code":1,"msg":"Invalid value type: expected Boolean"},"id":2}'],
    ['{"method":"SET_PROPERTY","params":[5,true],"id":2}', '{"error":{"code":2,"msg":"Invalid request: property name must be a string"},"id":2}'],
    ['{"method":"GET_PROPERTY","params":["combined","x"],"id":2}', '{"error":{"code":2,"msg":"Invalid request: too many parameters"},"id":2}'],
    ['{"method":"SUBSCRIBE","params":[],"id":{"a":1}}', '{"error":{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"},"id":null}'],
  ])('%s → %s', (text, expected) => {
    expect(errorOf(text)).toBe(expected);
  });

  it('reports invalid JSON as code 3 with a serde-style position', () => {
    expect(errorOf('{"method":')).toMatch(/^\{"error":\{"code":3,"msg":"Invalid JSON: expected value at line 1 column \d+"\},"id":null\}$/);
  });

  it('names the unknown method', () => {
    expect(errorOf('{"method":"SUBSCRIB","id":3}')).toContain('unknown variant `SUBSCRIB`, expected one of `SUBSCRIBE`');
  });

  it('reports a missing method', () => {
    expect(errorOf('{"id":3}')).toContain('missing field `method`');
  });
});

describe('formatResult', () => {
  it('renders the documented ack and list shapes', () => {
    expect(formatResult(1, null)).toBe('{"result":null,"id":1}');
    expect(formatResult('x', ['btcusdt@aggTrade'])).toBe('{"result":["btcusdt@aggTrade"],"id":"x"}');
  });
});
