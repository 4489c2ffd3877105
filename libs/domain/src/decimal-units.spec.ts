import { DecimalTextReader, unitsText } from './decimal-units';

describe('DecimalTextReader', () => {
  const reader = new DecimalTextReader();

  it.each([
    ['60000.12000000', 6_000_012, 2, 8],
    ['0.00100000', 1, 3, 8],
    ['0.00000000', 0, 0, 8],
    ['123', 123, 0, 0],
    ['0', 0, 0, 0],
    ['10.5', 105, 1, 1],
    ['9007199254740991', Number.MAX_SAFE_INTEGER, 0, 0],
    ['0.9007199254740991000', Number.MAX_SAFE_INTEGER, 16, 19],
    [`0.${'0'.repeat(39)}1`, 1, 40, 40],
  ])('reads %s as %d units at scale %d with %d decimals, and writes it back', (text, units, scale, decimals) => {
    expect(reader.read(text)).toBeNull();
    expect({ units: reader.units, scale: reader.scale, decimals: reader.decimals }).toEqual({ units, scale, decimals });
    expect(unitsText(units, scale, decimals)).toBe(text);
  });

  it.each(['', '.5', '5.', '-1', '+1', '1e5', '1,5', '01.5', '00', ' 1', '1.2.3', '١', `1.${'0'.repeat(41)}`])(
    'refuses %j as not a plain decimal',
    (text) => {
      expect(reader.read(text)).toMatch(/is not a plain decimal/);
    },
  );

  it.each(['9007199254740992', '90071992547409.92', '0.12345678901234567'])('refuses %s as too many digits', (text) => {
    expect(reader.read(text)).toMatch(/more significant digits than fit exactly/);
  });

  it('writes back every decimal it reads, for random digits and widths', () => {
    let seed = 12_345;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let attempt = 0; attempt < 5_000; attempt += 1) {
      const whole = String(Math.floor(next() * 10 ** Math.floor(next() * 8)));
      const decimals = Math.floor(next() * 9);
      const fraction = Array.from({ length: decimals }, () => (next() < 0.4 ? '0' : String(Math.floor(next() * 10)))).join('');
      const text = decimals === 0 ? whole : `${whole}.${fraction}`;
      expect(reader.read(text)).toBeNull();
      expect(unitsText(reader.units, reader.scale, reader.decimals)).toBe(text);
      expect(reader.scale === 0 || reader.units % 10 !== 0).toBe(true);
    }
  });
});
