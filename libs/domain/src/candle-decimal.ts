/**
 * Exact decimals as integer units and a scale (`units × 10^-scale`), the form TradeRun keeps prices and quantities
 * in. Units stay JavaScript numbers while they are safe integers, which is nearly always, and only the rare sum or
 * product past 2^53 pays for a BigInt.
 */

export const MAX_SAFE_UNITS = Number.MAX_SAFE_INTEGER;

/** A decimal of a price: units (a safe integer) at a scale. */
export interface ScaledUnits {
  readonly units: number;
  readonly scale: number;
}

/**
 * An exact sum of non-negative decimals at one scale: `(small + big) × 10^-scale`. `small` is a safe integer; what
 * would push it past 2^53 goes to `big`.
 */
export interface DecimalSum {
  small: number;
  big: bigint;
  scale: number;
}

export function decimalSum(small: number, big: bigint, scale: number): DecimalSum {
  return { small, big, scale };
}

/** Adds `from` to `into`, at the larger of the two scales. */
export function addDecimalSum(into: DecimalSum, from: DecimalSum): void {
  if (from.scale > into.scale) {
    rescale(into, from.scale);
  }
  const factor = 10 ** (into.scale - from.scale);
  const scaled = from.small * factor;
  const sum = into.small + scaled;
  if (sum <= MAX_SAFE_UNITS) {
    into.small = sum;
  } else {
    into.big += scaled <= MAX_SAFE_UNITS ? BigInt(scaled) : BigInt(from.small) * BigInt(factor);
  }
  if (from.big !== 0n) {
    into.big += from.big * BigInt(factor);
  }
}

function rescale(sum: DecimalSum, scale: number): void {
  const factor = 10 ** (scale - sum.scale);
  sum.big *= BigInt(factor);
  const scaled = sum.small * factor;
  if (scaled <= MAX_SAFE_UNITS) {
    sum.small = scaled;
  } else {
    sum.big += BigInt(sum.small) * BigInt(factor);
    sum.small = 0;
  }
  sum.scale = scale;
}

/** Compares two decimals exactly, whatever their scales: negative, zero or positive like a sort comparator. */
export function compareScaled(a: ScaledUnits, b: ScaledUnits): number {
  if (a.scale === b.scale) {
    return a.units - b.units;
  }
  const [left, right] = a.scale < b.scale ? [upscaled(a, b.scale), BigInt(b.units)] : [BigInt(a.units), upscaled(b, a.scale)];
  return left < right ? -1 : left > right ? 1 : 0;
}

function upscaled(value: ScaledUnits, scale: number): bigint {
  return BigInt(value.units) * 10n ** BigInt(scale - value.scale);
}

/**
 * The decimal text of `units × 10^-scale` with at least `minDecimals` decimals (more only when the value needs them):
 * `minDecimals` 0 gives the shortest exact text ("0.4", "71"), 8 the text Binance prints ("12.00000000").
 */
export function decimalText(units: number | bigint, scale: number, minDecimals = 0): string {
  let digits = units.toString();
  let decimals = scale;
  if (minDecimals === 0 || scale > minDecimals) {
    let end = digits.length;
    while (decimals > minDecimals && end > 1 && digits.charCodeAt(end - 1) === 48) {
      end--;
      decimals--;
    }
    digits = digits.slice(0, end);
  }
  if (digits === '0') {
    decimals = Math.min(decimals, minDecimals);
  }
  const padded = digits.padStart(decimals + 1, '0');
  const whole = padded.slice(0, padded.length - decimals);
  const fraction = padded.slice(padded.length - decimals).padEnd(minDecimals, '0');
  return fraction.length === 0 ? whole : `${whole}.${fraction}`;
}

/** The text of a DecimalSum, trimmed to the fewest decimals that hold it exactly. */
export function decimalSumText(sum: DecimalSum): string {
  return decimalText(sum.big === 0n ? sum.small : sum.big + BigInt(sum.small), sum.scale);
}

/**
 * Parses a plain decimal (digits, optionally a point and digits, as Binance writes them) into units at the fewest
 * decimals that hold it, and the number of decimals the text had. Null when the units are not a safe integer.
 */
export function parseDecimal(text: string): { units: number; scale: number; textDecimals: number } | null {
  const point = text.indexOf('.');
  if (point < 0) {
    const units = Number(text);
    return Number.isSafeInteger(units) ? { units, scale: 0, textDecimals: 0 } : null;
  }
  let end = text.length;
  while (end > point + 1 && text.charCodeAt(end - 1) === 48) {
    end--;
  }
  const units = Number(text.slice(0, point) + text.slice(point + 1, end));
  return Number.isSafeInteger(units) ? { units, scale: end - point - 1, textDecimals: text.length - point - 1 } : null;
}
