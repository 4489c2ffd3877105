import { formatAge, formatDecimal, formatPercent, priceDirection } from './decimal-format';

describe('formatDecimal', () => {
  it('trims trailing zeros down to two decimals', () => {
    expect(formatDecimal('37000.12000000')).toBe('37000.12');
    expect(formatDecimal('37000.00000000')).toBe('37000.00');
    expect(formatDecimal('0.00001230')).toBe('0.0000123');
  });

  it('keeps every significant digit of the exact string', () => {
    expect(formatDecimal('123456789.12345678')).toBe('123456789.12345678');
  });

  it('shows a quantity without decimals when asked for none', () => {
    expect(formatDecimal('5.00000000', 0)).toBe('5');
    expect(formatDecimal('12', 0)).toBe('12');
    expect(formatDecimal('12')).toBe('12.00');
  });
});

describe('priceDirection', () => {
  it('tells up, down and unchanged, and nothing for a first price', () => {
    expect(priceDirection('1.10', '1.20')).toBe('up');
    expect(priceDirection('1.20', '1.10')).toBe('down');
    expect(priceDirection('1.2', '1.20000000')).toBe('same');
    expect(priceDirection(null, '1.20')).toBe('same');
  });
});

describe('formatPercent and formatAge', () => {
  it('signs a change with plus or a real minus', () => {
    expect(formatPercent(0.0123)).toBe('+1.23 %');
    expect(formatPercent(-0.004)).toBe('−0.40 %');
    expect(formatPercent(0)).toBe('0.00 %');
  });

  it('says an age in the unit that reads best', () => {
    expect(formatAge(400)).toBe('0.4 s');
    expect(formatAge(-50)).toBe('0.0 s');
    expect(formatAge(45_000)).toBe('45 s');
    expect(formatAge(180_000)).toBe('3 min');
    expect(formatAge(7_200_000)).toBe('2 h');
  });
});
