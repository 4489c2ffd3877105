import { formatUnits, parseUnits } from './decimal';

describe('decimal units', () => {
  it.each([
    ['37000.12', 3_700_012_000_000, '37000.12000000'],
    ['0.00000001', 1, '0.00000001'],
    ['0', 0, '0.00000000'],
    ['1', 100_000_000, '1.00000000'],
  ])('%s ↔ %d ↔ %s', (text, units, formatted) => {
    expect(parseUnits(text)).toBe(units);
    expect(formatUnits(units)).toBe(formatted);
  });

  it.each(['1.123456789', '-1', 'abc', '1e5', ''])('rejects %s', (text) => {
    expect(parseUnits(text)).toBeNull();
  });
});
