import { addDecimalSum, compareScaled, decimalSum, decimalSumText, decimalText, parseDecimal } from './candle-decimal';

describe('candle decimals', () => {
  it('print units at a scale with at least the decimals asked, exactly', () => {
    expect(decimalText(1050, 2, 8)).toBe('10.50000000');
    expect(decimalText(7, 0)).toBe('7');
    expect(decimalText(400, 3)).toBe('0.4');
    expect(decimalText(0, 16)).toBe('0');
    expect(decimalText(0, 2, 8)).toBe('0.00000000');
    expect(decimalText(123_456_789, 10, 8)).toBe('0.0123456789');
    expect(decimalText(10n ** 30n + 5n, 20)).toBe('10000000000.00000000000000000005');
  });

  it('parse text into the fewest decimals that hold it, keeping how many the text printed', () => {
    expect(parseDecimal('37000.12000000')).toEqual({ units: 3_700_012, scale: 2, textDecimals: 8 });
    expect(parseDecimal('5')).toEqual({ units: 5, scale: 0, textDecimals: 0 });
    expect(parseDecimal('0.00000000')).toEqual({ units: 0, scale: 0, textDecimals: 8 });
    expect(parseDecimal('99999999999.99999999')).toBeNull();
  });

  it('add sums of different scales exactly, past 2^53', () => {
    const sum = decimalSum(Number.MAX_SAFE_INTEGER, 0n, 2);
    addDecimalSum(sum, decimalSum(3, 5n, 4));
    expect(decimalSumText(sum)).toBe('90071992547409.9108');
    const small = decimalSum(1, 0n, 0);
    addDecimalSum(small, decimalSum(25, 0n, 1));
    expect(decimalSumText(small)).toBe('3.5');
  });

  it('compare prices of different scales exactly', () => {
    expect(compareScaled({ units: 105, scale: 1 }, { units: 1050, scale: 2 })).toBe(0);
    expect(compareScaled({ units: 9_007_199_254_740_991, scale: 0 }, { units: 9_007_199_254_740_990, scale: 1 })).toBeGreaterThan(0);
    expect(compareScaled({ units: 1, scale: 8 }, { units: 2, scale: 8 })).toBeLessThan(0);
  });
});
