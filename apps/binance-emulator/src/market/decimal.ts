/**
 * Binance prints every price and quantity with 8 decimals ("37000.12000000"). Values are kept as integer counts
 * of 1e-8 ("units") so the hot path never formats a float and never rounds.
 */
export const UNITS_PER_WHOLE = 100_000_000;
const DECIMALS = 8;
const FRACTION_PADDING = '00000000';
const DECIMAL_PATTERN = /^(\d{1,12})(?:\.(\d{1,8}))?$/;

/** Formats integer units as Binance's fixed 8-decimal string: 3700012000000 → "37000.12000000". */
export function formatUnits(units: number): string {
  const whole = Math.floor(units / UNITS_PER_WHOLE);
  const fraction = String(units - whole * UNITS_PER_WHOLE);
  return `${whole}.${FRACTION_PADDING.slice(fraction.length)}${fraction}`;
}

/** Parses a non-negative decimal with at most 8 decimals into units; null when the text is not such a number. */
export function parseUnits(text: string): number | null {
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) {
    return null;
  }
  const fraction = (match[2] ?? '').padEnd(DECIMALS, '0');
  return Number(match[1]) * UNITS_PER_WHOLE + Number(fraction);
}

/** The power of ten (as units, at least 1) that gives a price about `digits` significant figures. */
export function powerOfTenUnits(exponent: number): number {
  const clamped = Math.min(Math.max(exponent, -DECIMALS), 4);
  return Math.round(10 ** (clamped + DECIMALS));
}

/**
 * `count` ticks or steps of `size` units each, formatted; exact past 2^53 units too (a billion SHIB-like steps of
 * 1.00000000 is 10^17 units), which the rare large value pays for with BigInt.
 */
export function formatMultiple(count: number, size: number): string {
  const units = count * size;
  if (units <= Number.MAX_SAFE_INTEGER) {
    return formatUnits(units);
  }
  const exact = BigInt(count) * BigInt(size);
  const fraction = String(exact % BigInt(UNITS_PER_WHOLE));
  return `${exact / BigInt(UNITS_PER_WHOLE)}.${FRACTION_PADDING.slice(fraction.length)}${fraction}`;
}
