import { fixed8, formatUnits16, formatUnits8, percentChange3, ratio8, units8 } from './decimal8';

describe('8-decimal strings as Binance writes them', () => {
  it.each([
    ['0.01633102', '0.01633102'],
    ['42', '42.00000000'],
    ['1.5', '1.50000000'],
    ['0.123456789', '0.12345678'],
  ])('fixed8(%s) is %s', (input, expected) => {
    expect(fixed8(input)).toBe(expected);
  });

  it('reads and writes units of 1e-8 exactly, whatever the size', () => {
    expect(units8('148976.11427815')).toBe(14897611427815n);
    expect(formatUnits8(units8('148976.11427815') + units8('0.00000001'))).toBe('148976.11427816');
    expect(formatUnits8(units8('-0.5'))).toBe('-0.50000000');
    expect(formatUnits8(units8('90071992547409.91'))).toBe('90071992547409.91000000');
  });

  it('cuts a product of two 8-decimal values to 8 decimals', () => {
    expect(formatUnits16(units8('0.01633102') * units8('4.70443515'))).toBe('0.07682822');
  });

  it('writes a weighted average and a percent change like Binance', () => {
    expect(ratio8(units8('15.3'), units8('8913.3'))).toBe('0.00171653');
    expect(ratio8(units8('15.3') * 10n ** 8n, units8('8913.3') * 10n ** 8n)).toBe('0.00171653');
    expect(ratio8(1n, 0n)).toBe('0.00000000');
    expect(percentChange3(units8('99'), units8('4.000002'))).toBe('-95.959');
    expect(percentChange3(units8('2'), units8('3'))).toBe('50.000');
  });
});
