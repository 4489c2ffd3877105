import { aggTradeStreamName, normalizeSymbol } from './symbol';

describe('normalizeSymbol', () => {
  it.each([
    ['btcusdt', 'BTCUSDT'],
    [' ethbtc ', 'ETHBTC'],
    ['1000SATSUSDT', '1000SATSUSDT'],
  ])('normalises %p to %p', (input, expected) => {
    expect(normalizeSymbol(input)).toBe(expected);
  });

  it.each([['B'], ['BTC-USDT'], ['BTC USDT'], ['A'.repeat(21)], [''], ['btc%00'], [42], [null], [undefined], [{}]])(
    'rejects %p',
    (input) => {
      expect(normalizeSymbol(input)).toBeNull();
    },
  );
});

describe('aggTradeStreamName', () => {
  it('lower-cases the symbol and keeps the camel-cased event', () => {
    expect(aggTradeStreamName('BTCUSDT')).toBe('btcusdt@aggTrade');
  });
});
