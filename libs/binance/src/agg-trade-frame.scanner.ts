import { AggTrade, MAX_DECIMAL_DIGITS, TRADE_TIME_RANGE } from '@binance-rates/domain';

/*
 * The byte-level fast path of the stream frame parser, for the one frame that matters for throughput: a combined
 * aggTrade exactly as Binance lays it out (web-socket-streams.md, "Aggregate Trade Streams"):
 * {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1672515782136,"s":"BTCUSDT","a":12345,"p":"0.001",
 *   "q":"100","f":100,"l":105,"T":1672515782136,"m":true,"M":true}}
 * It compares the frame's bytes with the fixed parts of that layout and reads the values between them, without
 * decoding the frame or calling JSON.parse. It lives apart from the frame dispatch because it is the hot path.
 */

/** The fixed parts of the layout, as bytes: comparing bytes with bytes is what the scanner does most. */
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));
const STREAM_HEAD = ascii('{"stream":"');
/** The end of the stream name and everything up to the value of `E`. */
const DATA_HEAD = ascii('@aggTrade","data":{"e":"aggTrade","E":');
const SYMBOL_KEY = ascii(',"s":"');
const ID_KEY = ascii(',"a":');
const PRICE_KEY = ascii(',"p":"');
const QUANTITY_KEY = ascii(',"q":"');
const FIRST_ID_KEY = ascii(',"f":');
const LAST_ID_KEY = ascii(',"l":');
const TIME_KEY = ascii(',"T":');
const MAKER_KEY = ascii(',"m":');
const BEST_MATCH_KEY = ascii(',"M":');
const TRUE = ascii('true');
const FALSE = ascii('false');
const END = ascii('}}');
/** Symbols seen, by a hash of their bytes: a frame's symbol is then the same string, not a new one each time. */
const internedSymbols = new Map<number, string>();
const MAX_INTERNED_SYMBOLS = 10_000;
/** Trade times outside these are left to the JSON path, which refuses them (see TRADE_TIME_RANGE). */
const MIN_TRADE_TIME = TRADE_TIME_RANGE.min;
const MAX_TRADE_TIME = TRADE_TIME_RANGE.max;
/** Longest integer taken without JSON.parse: 15 digits stay below 2^53, so the value is exact. */
const MAX_INTEGER_DIGITS = 15;

/** Value of the integer `scanInteger` accepted last; a scratch slot so the scanners allocate nothing. */
let scannedInteger = 0;

/**
 * Reads a combined aggTrade laid out exactly as in the sample at the top of this file. Anything else returns null and goes through JSON.parse: another key order, whitespace, an escape, a control or
 * non-ASCII character in a string, a number that is not a plain integer of at most 15 digits, trailing text, a symbol
 * that is not the one of the stream name, a trade time outside TRADE_TIME_RANGE, and a symbol, price or quantity that
 * is not well formed (the JSON path refuses those with the reason). So whatever this
 * accepts is valid JSON that JSON.parse would read into the very same, well-formed trade.
 */
export function scanCombinedAggTrade(bytes: Buffer): AggTrade | null {
  if (!matchAt(bytes, 0, STREAM_HEAD)) {
    return null;
  }
  const streamEnd = scanString(bytes, STREAM_HEAD.length);
  if (streamEnd < 0 || !matchAt(bytes, streamEnd - 9, DATA_HEAD)) {
    return null;
  }
  let at = scanInteger(bytes, streamEnd - 9 + DATA_HEAD.length);
  if (at < 0 || !matchAt(bytes, at, SYMBOL_KEY)) {
    return null;
  }
  const symbolStart = at + 6;
  const symbolEnd = scanSymbol(bytes, symbolStart, STREAM_HEAD.length, streamEnd - 9 - STREAM_HEAD.length);
  if (symbolEnd < 0 || !matchAt(bytes, symbolEnd + 1, ID_KEY)) {
    return null;
  }
  at = scanInteger(bytes, symbolEnd + 6);
  const tradeId = scannedInteger;
  if (at < 0 || !matchAt(bytes, at, PRICE_KEY)) {
    return null;
  }
  const priceStart = at + 6;
  const priceEnd = scanDecimal(bytes, priceStart);
  if (priceEnd < 0 || !matchAt(bytes, priceEnd + 1, QUANTITY_KEY)) {
    return null;
  }
  const quantityStart = priceEnd + 7;
  const quantityEnd = scanDecimal(bytes, quantityStart);
  if (quantityEnd < 0 || !matchAt(bytes, quantityEnd + 1, FIRST_ID_KEY)) {
    return null;
  }
  at = scanInteger(bytes, quantityEnd + 6);
  const firstTradeId = scannedInteger;
  if (at < 0 || !matchAt(bytes, at, LAST_ID_KEY)) {
    return null;
  }
  at = scanInteger(bytes, at + 5);
  const lastTradeId = scannedInteger;
  if (at < 0 || !matchAt(bytes, at, TIME_KEY)) {
    return null;
  }
  at = scanInteger(bytes, at + 5);
  const tradeTime = scannedInteger;
  if (at < 0 || tradeTime < MIN_TRADE_TIME || tradeTime >= MAX_TRADE_TIME || !matchAt(bytes, at, MAKER_KEY)) {
    return null;
  }
  at = scanBoolean(bytes, at + 5);
  const isBuyerMaker = scannedBoolean;
  if (at < 0 || !matchAt(bytes, at, BEST_MATCH_KEY)) {
    return null;
  }
  at = scanBoolean(bytes, at + 5);
  if (at < 0 || at + 2 !== bytes.length || !matchAt(bytes, at, END)) {
    return null;
  }
  return {
    symbol: internedSymbol(bytes, symbolStart, symbolEnd),
    tradeId,
    price: bytes.toString('latin1', priceStart, priceEnd),
    quantity: bytes.toString('latin1', quantityStart, quantityEnd),
    firstTradeId,
    lastTradeId,
    tradeTime,
    isBuyerMaker,
  };
}

/** True when the bytes at `at` are `literal`. */
function matchAt(bytes: Buffer, at: number, literal: Uint8Array): boolean {
  if (at < 0 || at + literal.length > bytes.length) {
    return false;
  }
  for (let i = 0; i < literal.length; i++) {
    if (bytes[at + i] !== literal[i]) {
      return false;
    }
  }
  return true;
}

/**
 * Index of the quote closing a string that starts at `from` (just after its opening quote), or -1 if the string
 * has an escape or a control character (JSON.parse would decode or reject those), a non-ASCII byte (left to the
 * UTF-8 decoder, so that one byte is one character in what this path returns) or never ends.
 */
function scanString(bytes: Buffer, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x22) {
      return i;
    }
    if (c === 0x5c || c < 0x20 || c > 0x7e) {
      return -1;
    }
  }
  return -1;
}

/** Hash of the symbol `scanSymbol` accepted last (a scratch slot, like `scannedInteger`). */
let scannedSymbolHash = 0;

/**
 * Index of the quote closing a symbol string starting at `from` (2 to 20 of A-Z and 0-9) that is the upper-case form
 * of the stream name at `streamAt` (`streamLength` bytes), or -1. Digits and lower-case letters are their upper-case
 * form with bit 0x20 set, so each byte costs one more comparison; a byte past the stream name is its `@`, which
 * matches none.
 */
function scanSymbol(bytes: Buffer, from: number, streamAt: number, streamLength: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < bytes.length && i - from <= 20; i++) {
    const c = bytes[i];
    if (c === 0x22) {
      scannedSymbolHash = hash;
      return i - from >= 2 && i - from === streamLength ? i : -1;
    }
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) || bytes[streamAt + i - from] !== (c | 0x20)) {
      return -1;
    }
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  return -1;
}

/** The symbol `scanSymbol` just accepted at start..end, as the string seen before when there is one. */
function internedSymbol(bytes: Buffer, start: number, end: number): string {
  const known = internedSymbols.get(scannedSymbolHash);
  if (known !== undefined && known.length === end - start) {
    let same = true;
    for (let i = 0; i < known.length && same; i++) {
      same = known.charCodeAt(i) === bytes[start + i];
    }
    if (same) {
      return known;
    }
  }
  const symbol = bytes.toString('latin1', start, end);
  if (internedSymbols.size < MAX_INTERNED_SYMBOLS) {
    internedSymbols.set(scannedSymbolHash, symbol);
  }
  return symbol;
}

/**
 * Index of the quote closing a decimal string starting at `from` (1 to MAX_DECIMAL_DIGITS digits, optionally a point
 * and as many more, the domain's rule), or -1 for anything else, which the JSON path then reads and refuses.
 */
function scanDecimal(bytes: Buffer, from: number): number {
  let point = -1;
  for (let i = from; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x22) {
      const whole = (point === -1 ? i : point) - from;
      const fraction = point === -1 ? 0 : i - point - 1;
      return whole >= 1 && whole <= MAX_DECIMAL_DIGITS && (point === -1 || (fraction >= 1 && fraction <= MAX_DECIMAL_DIGITS)) ? i : -1;
    }
    if (c === 0x2e && point === -1) {
      point = i;
    } else if (c < 0x30 || c > 0x39) {
      return -1;
    }
  }
  return -1;
}

/** Value of the boolean `scanBoolean` accepted last (a scratch slot, like `scannedInteger`). */
let scannedBoolean = false;

/** Index just after a JSON `true` or `false` at `at` (value in `scannedBoolean`), or -1. */
function scanBoolean(bytes: Buffer, at: number): number {
  if (matchAt(bytes, at, TRUE)) {
    scannedBoolean = true;
    return at + TRUE.length;
  }
  if (matchAt(bytes, at, FALSE)) {
    scannedBoolean = false;
    return at + FALSE.length;
  }
  return -1;
}

/**
 * Index just after the digits of a non-negative JSON integer starting at `from` (value in `scannedInteger`), or -1
 * for no digit, a leading zero or more than MAX_INTEGER_DIGITS digits. A sign, fraction or exponent is left for the
 * caller's next literal to refuse.
 */
function scanInteger(bytes: Buffer, from: number): number {
  let value = 0;
  let i = from;
  for (; i < bytes.length && i - from <= MAX_INTEGER_DIGITS; i++) {
    const digit = bytes[i] - 0x30;
    if (digit < 0 || digit > 9) {
      break;
    }
    value = value * 10 + digit;
  }
  const digits = i - from;
  if (digits === 0 || digits > MAX_INTEGER_DIGITS || (digits > 1 && bytes[from] === 0x30)) {
    return -1;
  }
  scannedInteger = value;
  return i;
}
