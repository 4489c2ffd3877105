/** Past this a varint of whole numbers up to 2^53 has too many bytes: 8 bytes carry 56 bits. */
const MAX_VARINT_BYTES = 8;
/** Largest magnitude a signed varint carries: the difference of two whole numbers from 0 to 2^53 − 1 stays within. */
const MAX_MAGNITUDE = 2 ** 53;

/**
 * Writes `value` (a whole number from 0 to 2^53) as an unsigned LEB128 varint at `at`; returns the index after it.
 * 7 bits a byte, low bits first, the high bit set on every byte but the last.
 */
export function writeUnsigned(bytes: Uint8Array, at: number, value: number): number {
  let rest = value;
  let to = at;
  while (rest > 0x7fffffff) {
    bytes[to++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  while (rest > 0x7f) {
    bytes[to++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  bytes[to++] = rest;
  return to;
}

/**
 * Writes `value` (a whole number, |value| ≤ 2^53) as a signed varint at `at`; returns the index after it. It is the
 * unsigned varint of 2·|value| + (1 if negative), as zig-zag coding makes small numbers of either sign short, but
 * built from the magnitude so that the full range of differences between safe integers stays exact.
 */
export function writeSigned(bytes: Uint8Array, at: number, value: number): number {
  const negative = value < 0 ? 1 : 0;
  const magnitude = negative ? -value : value;
  if (magnitude < 2 ** 52) {
    return writeUnsigned(bytes, at, magnitude * 2 + negative);
  }
  bytes[at] = 0x80 | ((magnitude % 0x40) << 1) | negative;
  return writeUnsigned(bytes, at + 1, Math.floor(magnitude / 0x40));
}

/**
 * Reads varints and bytes from `bytes`, checking every step: an Error (with a reason) for a read past the end, a
 * varint longer than whole numbers up to 2^53 need or not in its shortest form, so that a truncated or altered payload
 * is refused instead of read as other numbers.
 */
export class VarintReader {
  at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  byte(): number {
    if (this.at >= this.bytes.length) {
      throw new Error(`it ends at byte ${this.at}, before its last value`);
    }
    return this.bytes[this.at++];
  }

  unsigned(): number {
    const first = this.byte();
    return first < 0x80 ? first : this.unsignedTail(first);
  }

  /** The value of a signed varint (see writeSigned). */
  signed(): number {
    const first = this.byte();
    if (first < 0x80) {
      if (first === 1) {
        throw new Error(`its varint at byte ${this.at - 1} is a negative zero`);
      }
      return first & 1 ? -(first >>> 1) : first >>> 1;
    }
    const magnitude = this.unsignedBelow(MAX_MAGNITUDE / 0x40 + 1) * 0x40 + ((first >>> 1) & 0x3f);
    if (magnitude > MAX_MAGNITUDE || magnitude < 0x40) {
      throw new Error(`its varint ending at byte ${this.at} is out of range or not in its shortest form`);
    }
    return first & 1 ? -magnitude : magnitude;
  }

  private unsignedBelow(limit: number): number {
    const value = this.unsigned();
    if (value >= limit) {
      throw new Error(`its varint ending at byte ${this.at} is out of range`);
    }
    return value;
  }

  private unsignedTail(first: number): number {
    let value = first & 0x7f;
    let weight = 0x80;
    for (let length = 2; length <= MAX_VARINT_BYTES; length += 1) {
      const next = this.byte();
      value += (next & 0x7f) * weight;
      if (next < 0x80) {
        if (next === 0 || value > MAX_MAGNITUDE) {
          throw new Error(`its varint ending at byte ${this.at} is out of range or not in its shortest form`);
        }
        return value;
      }
      weight *= 0x80;
    }
    throw new Error(`its varint at byte ${this.at - MAX_VARINT_BYTES} is longer than ${MAX_VARINT_BYTES} bytes`);
  }
}
