import { describeApiError } from './api-error';

describe('describeApiError', () => {
  it('says an unknown symbol in words', () => {
    expect(describeApiError(422, { code: 'SYMBOL_UNKNOWN', message: 'FOOUSDT is not listed on Binance' }, { action: 'add', symbol: 'FOOUSDT' })).toBe(
      'FOOUSDT is not a symbol Binance lists. Check the spelling, e.g. BTCUSDT.',
    );
  });

  it('says a symbol that is not trading, with its status', () => {
    const body = { code: 'SYMBOL_NOT_TRADING', message: 'HALTUSDT is not trading on Binance (status HALT)' };
    expect(describeApiError(422, body, { action: 'add', symbol: 'HALTUSDT' })).toBe(
      'HALTUSDT is listed on Binance but not trading now (status HALT), so it cannot be tracked.',
    );
  });

  it('says a key is required, or was refused', () => {
    expect(describeApiError(401, { code: 'API_KEY_REQUIRED' }, { action: 'remove', symbol: 'BTCUSDT' })).toBe('An API key is required to remove symbols.');
    expect(describeApiError(401, { code: 'API_KEY_INVALID' }, { action: 'add' })).toBe('The API key was refused. Enter a valid key.');
  });

  it('passes a validation message on, and names an unreachable service', () => {
    expect(describeApiError(400, { message: 'symbol must be 2-20 letters or digits, e.g. BTCUSDT' }, { action: 'add' })).toBe(
      'symbol must be 2-20 letters or digits, e.g. BTCUSDT',
    );
    expect(describeApiError(0, null, { action: 'read' })).toBe('The service could not be reached. Check the connection and try again.');
  });

  it('says when to try again after a rate limit', () => {
    expect(describeApiError(429, { code: 'RATE_LIMITED' }, { action: 'add' }, 2)).toBe('Too many requests from this browser. Try again in 2 s.');
  });
});
