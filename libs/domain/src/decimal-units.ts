/** Most digits after the point a stored decimal may have (its text width fits a byte in the stored form). */
export const MAX_TEXT_DECIMALS = 40;

/** 10^k for k = 0..MAX_TEXT_DECIMALS; exact up to 10^22, past which any product with a unit is unsafe anyway. */
export const POWERS_OF_TEN: readonly number[] = Array.from({ length: MAX_TEXT_DECIMALS + 1 }, (_, k) => 10 ** k);

/**
 * Called through a reference taken here, not as `text.charCodeAt()`: once any object inherits from String.prototype
 * (ioredis's `class VerbatimString extends String`, loaded by the service), V8 in Node 20 stops inlining
 * `text.charCodeAt` and every call costs about 6× more; the builtin called through `.call` stays inlined.
 */
const charCodeAt = String.prototype.charCodeAt;
const ZERO = 0x30;
const NINE = 0x39;
const POINT = 0x2e;
const ZEROS: readonly string[] = POWERS_OF_TEN.map((_, k) => '0'.repeat(k));

const MALFORMED = `is not a plain decimal (digits, no leading zero, optionally a point and 1 to ${MAX_TEXT_DECIMALS} digits)`;
const TOO_MANY_DIGITS = 'has more significant digits than fit exactly in a double (units past 2^53 - 1)';

/** A decimal read as exact integer units: `units × 10^-scale`, printed with `decimals` digits after the point. */
export interface DecimalUnits {
  readonly units: number;
  readonly scale: number;
  readonly decimals: number;
}

/**
 * Reads decimal text such as `"60000.12000000"` as exact integer units: 6000012 at scale 2 (trailing fractional
 * zeros dropped), text decimals 8. The result lands in fields rather than a new object because the batch reads two
 * decimals per trade on the hot write path.
 */
export class DecimalTextReader implements DecimalUnits {
  units = 0;
  scale = 0;
  decimals = 0;

  /**
   * Reads `text`; returns what is wrong with it, or null and the fields hold its value. Leading zeros are refused
   * ("007.5" could not be written back as it came), as are a sign, an exponent, and a point without digits after it.
   */
  read(text: string): string | null {
    const length = text.length;
    let at = 0;
    let units = 0;
    for (; at < length; at += 1) {
      const code = charCodeAt.call(text, at);
      if (code < ZERO || code > NINE) {
        break;
      }
      units = units * 10 + (code - ZERO);
    }
    if (at === 0 || (at > 1 && charCodeAt.call(text, 0) === ZERO)) {
      return MALFORMED;
    }
    let scale = 0;
    let decimals = 0;
    if (at < length) {
      if (charCodeAt.call(text, at) !== POINT || at === length - 1 || length - at - 1 > MAX_TEXT_DECIMALS) {
        return MALFORMED;
      }
      let pendingZeros = 0;
      for (at += 1; at < length; at += 1) {
        const digit = charCodeAt.call(text, at) - ZERO;
        if (digit < 0 || digit > 9) {
          return MALFORMED;
        }
        decimals += 1;
        if (digit === 0) {
          pendingZeros += 1;
        } else {
          units = units * POWERS_OF_TEN[pendingZeros + 1] + digit;
          scale += pendingZeros + 1;
          pendingZeros = 0;
        }
      }
    }
    // A value past 2^53 only grows with more digits, and rounding never brings it back below, so one check suffices.
    if (units > Number.MAX_SAFE_INTEGER) {
      return TOO_MANY_DIGITS;
    }
    this.units = units;
    this.scale = scale;
    this.decimals = decimals;
    return null;
  }

  /**
   * `read` of the latin1 text `bytes[from..to)` (an archive's CSV field), without making a string of it: the same
   * rules and the same answers. Kept apart from `read` rather than sharing a code getter, which would cost both their
   * inlined character reads.
   */
  readBytes(bytes: Uint8Array, from: number, to: number): string | null {
    let at = from;
    let units = 0;
    for (; at < to; at += 1) {
      const code = bytes[at];
      if (code < ZERO || code > NINE) {
        break;
      }
      units = units * 10 + (code - ZERO);
    }
    if (at === from || (at > from + 1 && bytes[from] === ZERO)) {
      return MALFORMED;
    }
    let scale = 0;
    let decimals = 0;
    if (at < to) {
      if (bytes[at] !== POINT || at === to - 1 || to - at - 1 > MAX_TEXT_DECIMALS) {
        return MALFORMED;
      }
      let pendingZeros = 0;
      for (at += 1; at < to; at += 1) {
        const digit = bytes[at] - ZERO;
        if (digit < 0 || digit > 9) {
          return MALFORMED;
        }
        decimals += 1;
        if (digit === 0) {
          pendingZeros += 1;
        } else {
          units = units * POWERS_OF_TEN[pendingZeros + 1] + digit;
          scale += pendingZeros + 1;
          pendingZeros = 0;
        }
      }
    }
    if (units > Number.MAX_SAFE_INTEGER) {
      return TOO_MANY_DIGITS;
    }
    this.units = units;
    this.scale = scale;
    this.decimals = decimals;
    return null;
  }
}

/** `units × 10^-scale` written with `decimals` digits after the point (none and no point when 0): 6000012, 2, 8 → "60000.12000000". */
export function unitsText(units: number, scale: number, decimals: number): string {
  const digits = String(units);
  if (decimals === 0) {
    return digits;
  }
  if (scale === 0) {
    return `${digits}.${ZEROS[decimals]}`;
  }
  const padded = digits.length > scale ? digits : ZEROS[scale + 1 - digits.length] + digits;
  const point = padded.length - scale;
  return `${padded.slice(0, point)}.${padded.slice(point)}${ZEROS[decimals - scale]}`;
}
