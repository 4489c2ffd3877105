/**
 * Binance writes every price, quantity and volume as a decimal string with exactly 8 decimals ("0.01634790",
 * "148976.11427815"); its spot symbols have no finer tick or step. Sums are kept exact in BigInt units of 1e-8 (a
 * quantity) or 1e-16 (a price times a quantity) and cut to 8 decimals only when written.
 */
const DECIMALS = 8;
const SCALE = 10n ** 8n;

/** `text` with exactly 8 decimals: padded with zeros, or cut (never rounded up) past the eighth. */
export function fixed8(text: string): string {
  const point = text.indexOf('.');
  if (point < 0) {
    return `${text}.00000000`;
  }
  const fraction = text.slice(point + 1, point + 1 + DECIMALS);
  return `${text.slice(0, point)}.${fraction.padEnd(DECIMALS, '0')}`;
}

/** A non-negative or negative decimal as units of 1e-8 (digits past the eighth are cut). */
export function units8(text: string): bigint {
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  const point = digits.indexOf('.');
  const whole = point < 0 ? digits : digits.slice(0, point);
  const fraction = point < 0 ? '' : digits.slice(point + 1, point + 1 + DECIMALS);
  const units = BigInt(whole || '0') * SCALE + BigInt(fraction.padEnd(DECIMALS, '0'));
  return negative ? -units : units;
}

/** Units of 1e-8 as an 8-decimal string. */
export function formatUnits8(units: bigint): string {
  const negative = units < 0n;
  const absolute = negative ? -units : units;
  const text = `${absolute / SCALE}.${(absolute % SCALE).toString().padStart(DECIMALS, '0')}`;
  return negative ? `-${text}` : text;
}

/** Units of 1e-16 (a product of two 8-decimal values) as an 8-decimal string, cut toward zero. */
export function formatUnits16(units: bigint): string {
  return formatUnits8(units / SCALE);
}

/** `numerator / denominator` (both in the same units) as an 8-decimal string; "0.00000000" when the denominator is 0. */
export function ratio8(numerator: bigint, denominator: bigint): string {
  return denominator === 0n ? '0.00000000' : formatUnits8((numerator * SCALE) / denominator);
}

/** Percent change from `from` to `to` (units of 1e-8) with 3 decimals, as Binance's `priceChangePercent`. */
export function percentChange3(from: bigint, to: bigint): string {
  if (from === 0n) {
    return '0.000';
  }
  const thousandths = ((to - from) * 100_000n) / from;
  const negative = thousandths < 0n;
  const absolute = negative ? -thousandths : thousandths;
  return `${negative ? '-' : ''}${absolute / 1000n}.${(absolute % 1000n).toString().padStart(3, '0')}`;
}
