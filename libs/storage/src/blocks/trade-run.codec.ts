import { allocateColumns, MAX_TEXT_DECIMALS, type TradeRun } from '@binance-rates/domain';
import { CorruptTradeRunError } from './corrupt-trade-run.error';
import { VarintReader, writeSigned, writeUnsigned } from './varint';

/** The first byte of every payload: which layout follows. */
const FORMAT_COLUMNS_V1 = 1;
/** Most bytes a header takes: format, count, four scale bytes, quantity factor, first raw id, time and price. */
const MAX_HEADER_BYTES = 1 + 8 + 4 + 8 + 8 + 8 + 8;
/** Most bytes one trade takes: five varints of at most 8 bytes and its maker bit. */
const MAX_TRADE_BYTES = 5 * 8 + 1;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Reused across calls: payloads are built here, then copied out at their exact length. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * A run as its stored payload; the symbol and first aggregate id are columns of the row beside it. Columns one after
 * another, each a stream of varints:
 *
 *   format byte (1) · count · price scale, price text decimals, quantity scale, quantity text decimals (a byte each)
 *   · quantity factor (every quantity's units are a multiple of it) · first raw trade id · first time · first price
 *   then per column: raw id breaks: their number, then per break    unsigned trades skipped, signed raw first id −
 *                                                                   (previous raw last id + 1) (see writeRawIdBreaks)
 *                    raw last id − raw first id                      signed (raw trades in the aggregate, minus 1)
 *                    time − previous time                            unsigned ms, from the 2nd trade
 *                    price units − previous price units              signed, from the 2nd trade
 *                    quantity units ÷ factor                         unsigned
 *                    buyer-maker flags                               8 a byte, low bit first
 *
 * Deltas of nearby values take one byte each, so a realistic trade costs about five bytes. `run` must keep TradeRun's
 * contract (every run from TradeRunBatch, sliceRun, concatRuns and decodeRun does); a time going back is refused.
 */
export function encodeRun(run: TradeRun): Buffer {
  const count = run.count;
  if (!(count >= 1)) {
    throw new RangeError(`${run.symbol} run #${run.firstId} holds no trades`);
  }
  const { firstTradeId, lastTradeId, time, priceUnits, quantityUnits, buyerMaker } = run;
  const bound = MAX_HEADER_BYTES + count * MAX_TRADE_BYTES;
  if (scratch.length < bound) {
    scratch = Buffer.allocUnsafe(Math.max(bound, scratch.length * 2));
  }
  const bytes = scratch;
  const factor = commonFactor(quantityUnits, count);
  bytes[0] = FORMAT_COLUMNS_V1;
  let at = writeUnsigned(bytes, 1, count);
  bytes[at++] = run.priceScale;
  bytes[at++] = run.priceTextDecimals;
  bytes[at++] = run.quantityScale;
  bytes[at++] = run.quantityTextDecimals;
  at = writeUnsigned(bytes, at, factor);
  at = writeUnsigned(bytes, at, firstTradeId[0]);
  at = writeSigned(bytes, at, time[0]);
  at = writeUnsigned(bytes, at, priceUnits[0]);
  at = writeRawIdBreaks(bytes, at, run);
  for (let index = 0; index < count; index += 1) {
    at = writeSigned(bytes, at, lastTradeId[index] - firstTradeId[index]);
  }
  for (let index = 1; index < count; index += 1) {
    const step = time[index] - time[index - 1];
    if (!(step >= 0)) {
      throw new RangeError(`${run.symbol} run #${run.firstId}: the time goes back at #${run.firstId + index}`);
    }
    at = writeUnsigned(bytes, at, step);
  }
  for (let index = 1; index < count; index += 1) {
    at = writeSigned(bytes, at, priceUnits[index] - priceUnits[index - 1]);
  }
  for (let index = 0; index < count; index += 1) {
    at = writeUnsigned(bytes, at, quantityUnits[index] / factor);
  }
  for (let index = 0; index < count; index += 8) {
    let flags = 0;
    for (let bit = 0; bit < 8 && index + bit < count; bit += 1) {
      flags |= buyerMaker[index + bit] << bit;
    }
    bytes[at++] = flags;
  }
  const payload = Buffer.allocUnsafe(at);
  bytes.copy(payload, 0, 0, at);
  return payload;
}

/**
 * The run `payload` holds (see encodeRun), of `symbol` from aggregate id `firstId`. Anything that is not a whole,
 * well-formed payload (cut short, bytes left over, a value out of range, an unknown format) is a
 * CorruptTradeRunError, never other trades.
 */
export function decodeRun(payload: Uint8Array, symbol: string, firstId: number): TradeRun {
  try {
    return decodeColumns(new VarintReader(payload), symbol, firstId);
  } catch (error) {
    throw error instanceof CorruptTradeRunError ? error : new CorruptTradeRunError(symbol, firstId, (error as Error).message);
  }
}

function decodeColumns(reader: VarintReader, symbol: string, firstId: number): TradeRun {
  const format = reader.byte();
  if (format !== FORMAT_COLUMNS_V1) {
    throw new Error(`its format byte ${format} is not one this code reads`);
  }
  const count = reader.unsigned();
  // Every trade takes at least two bytes, so a count past the bytes left cannot be true (and must not be allocated).
  if (count < 1 || count > reader.remaining || !Number.isSafeInteger(firstId + count - 1) || firstId < 0) {
    throw new Error(`it claims ${count} trades from #${firstId} in ${reader.remaining} more bytes`);
  }
  const priceScale = reader.byte();
  const priceTextDecimals = reader.byte();
  const quantityScale = reader.byte();
  const quantityTextDecimals = reader.byte();
  if (priceScale > priceTextDecimals || priceTextDecimals > MAX_TEXT_DECIMALS || quantityScale > quantityTextDecimals || quantityTextDecimals > MAX_TEXT_DECIMALS) {
    throw new Error(`its scales ${priceScale}/${priceTextDecimals} and ${quantityScale}/${quantityTextDecimals} are impossible`);
  }
  const factor = reader.unsigned();
  if (factor === 0) {
    throw new Error('its quantity factor is 0');
  }
  const { firstTradeId, lastTradeId, time, priceUnits, quantityUnits, buyerMaker } = allocateColumns(count);
  firstTradeId[0] = reader.unsigned();
  time[0] = reader.signed();
  priceUnits[0] = reader.unsigned();
  // The breaks land in the zero-filled column first, then resolve in order: each first raw id follows the last one.
  readRawIdBreaks(reader, firstTradeId, count);
  for (let index = 0; index < count; index += 1) {
    const first = index === 0 ? firstTradeId[0] : lastTradeId[index - 1] + 1 + firstTradeId[index];
    const last = first + reader.signed();
    if (!(first >= 0 && first <= MAX_SAFE && last >= 0 && last <= MAX_SAFE)) {
      throw new Error(`raw trade ids ${first}..${last} of #${firstId + index} are out of range`);
    }
    firstTradeId[index] = first;
    lastTradeId[index] = last;
  }
  for (let index = 1; index < count; index += 1) {
    time[index] = time[index - 1] + reader.unsigned();
  }
  if (!(time[count - 1] <= MAX_SAFE)) {
    throw new Error(`its last time ${time[count - 1]} is out of range`);
  }
  for (let index = 1; index < count; index += 1) {
    const units = priceUnits[index - 1] + reader.signed();
    if (!(units >= 0 && units <= MAX_SAFE)) {
      throw new Error(`the price units ${units} of #${firstId + index} are out of range`);
    }
    priceUnits[index] = units;
  }
  for (let index = 0; index < count; index += 1) {
    const units = reader.unsigned() * factor;
    if (!(units <= MAX_SAFE)) {
      throw new Error(`the quantity units of #${firstId + index} are out of range (factor ${factor})`);
    }
    quantityUnits[index] = units;
  }
  for (let index = 0; index < count; index += 8) {
    const flags = reader.byte();
    const bits = Math.min(8, count - index);
    if (flags >> bits !== 0) {
      throw new Error('its last buyer-maker byte has bits past the last trade');
    }
    for (let bit = 0; bit < bits; bit += 1) {
      buyerMaker[index + bit] = (flags >> bit) & 1;
    }
  }
  if (reader.remaining !== 0) {
    throw new Error(`${reader.remaining} bytes are left after its last column`);
  }
  return {
    symbol,
    firstId,
    count,
    firstTradeId,
    lastTradeId,
    time,
    priceUnits,
    priceScale,
    priceTextDecimals,
    quantityUnits,
    quantityScale,
    quantityTextDecimals,
    buyerMaker,
  };
}

/**
 * Where a trade's first raw id is not the previous trade's last + 1, as (trades since the previous break − 1, raw id
 * − expected) pairs after their number: Binance's aggregates cover consecutive raw trades, so this is almost always
 * just a 0, where a value per trade would cost a byte each.
 */
function writeRawIdBreaks(bytes: Uint8Array, at: number, run: TradeRun): number {
  const { firstTradeId, lastTradeId, count } = run;
  let breaks = 0;
  for (let index = 1; index < count; index += 1) {
    breaks += firstTradeId[index] === lastTradeId[index - 1] + 1 ? 0 : 1;
  }
  let to = writeUnsigned(bytes, at, breaks);
  let previous = 0;
  for (let index = 1; breaks > 0; index += 1) {
    const offset = firstTradeId[index] - (lastTradeId[index - 1] + 1);
    if (offset !== 0) {
      to = writeUnsigned(bytes, to, index - previous - 1);
      to = writeSigned(bytes, to, offset);
      previous = index;
      breaks -= 1;
    }
  }
  return to;
}

/** Reads what writeRawIdBreaks wrote into `offsets` (zero-filled), refusing breaks past the end or of 0. */
function readRawIdBreaks(reader: VarintReader, offsets: Float64Array, count: number): void {
  const breaks = reader.unsigned();
  if (breaks >= count) {
    throw new Error(`it claims ${breaks} raw id breaks among ${count} trades`);
  }
  let index = 0;
  for (let left = breaks; left > 0; left -= 1) {
    index += reader.unsigned() + 1;
    const offset = reader.signed();
    if (index >= count || offset === 0) {
      throw new Error(`its raw id break at trade ${index} of ${count} is out of place or 0`);
    }
    offsets[index] = offset;
  }
}

/** The greatest common divisor of the first `count` units (1 when all are 0), stopping as soon as it is 1. */
function commonFactor(units: Float64Array, count: number): number {
  let factor = 0;
  for (let index = 0; index < count && factor !== 1; index += 1) {
    let other = units[index];
    while (other !== 0) {
      const rest = factor % other;
      factor = other;
      other = rest;
    }
  }
  return factor === 0 ? 1 : factor;
}
