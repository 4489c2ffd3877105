import type { AggTrade } from '@binance-rates/domain';

const TAB = 0x09;
const NEWLINE = 0x0a;
const ZERO = 0x30;
const MINUS = 0x2d;
const BACKSLASH = 0x5c;
/** A row is at most this long besides its text fields: 3 ids of ≤ 17 characters, the time, separators, the flag. */
const ROW_OVERHEAD_BYTES = 96;
const SEGMENT_INITIAL_BYTES = 256;

/** A sealed batch: the COPY data and how many rows it holds. */
export interface SealedTradeRows {
  payload: Buffer;
  rows: number;
}

/** One COPY row of a sealed batch, read back: what a row PostgreSQL refused is reported as. */
export interface TradeCopyRow {
  symbol: string;
  tradeId: number;
  /** The row as COPY text, without its newline. */
  text: string;
}

/**
 * The rows of one `COPY agg_trade (symbol, trade_id, price, quantity, first_trade_id, last_trade_id, trade_time,
 * is_buyer_maker) FROM STDIN` in text format, encoded as trades arrive: pending history is held as bytes outside the
 * JavaScript heap instead of as trade objects, so the garbage collector neither scans nor promotes it. Rows are kept
 * per symbol and sealed in `COLLATE "C"` symbol order (the order of every other insert path), so concurrent writers
 * whose batches overlap take row locks in the same order.
 *
 * Text fields must be printable ASCII without a backslash (Binance symbols and decimal strings always are); anything
 * else would corrupt the stream and is refused with a RangeError, leaving the batch unchanged.
 */
export class TradeCopyBatch {
  private readonly segments = new Map<string, Segment>();
  private rows = 0;

  get count(): number {
    return this.rows;
  }

  append(trade: AggTrade): void {
    let segment = this.segments.get(trade.symbol);
    if (segment === undefined) {
      segment = new Segment();
      this.segments.set(trade.symbol, segment);
    }
    segment.write(trade);
    this.rows += 1;
  }

  /**
   * The COPY payload and its row count, grouped by symbol in code-unit order (= `COLLATE "C"` for ASCII), each
   * symbol's rows as appended; the batch is empty again afterwards. Each symbol's buffer is kept for the next batch
   * (growing them anew every batch cost about as much as encoding) while this batch used at least a quarter of it,
   * so what is kept stays within four times one batch: a backfill burst that grew a buffer to megabytes does not
   * stay with every symbol that ever caught up. A buffer is dropped once a whole batch passes without its symbol.
   */
  seal(): SealedTradeRows {
    const parts: Buffer[] = [];
    for (const symbol of [...this.segments.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const segment = this.segments.get(symbol) as Segment;
      if (segment.empty) {
        this.segments.delete(symbol);
      } else {
        parts.push(segment.bytes());
      }
    }
    const sealed = { payload: Buffer.concat(parts), rows: this.rows };
    for (const [symbol, segment] of this.segments) {
      if (segment.capacity > Math.max(SEGMENT_INITIAL_BYTES, 4 * segment.used)) {
        this.segments.delete(symbol);
      } else {
        segment.clear();
      }
    }
    this.rows = 0;
    return sealed;
  }
}

class Segment {
  private buffer = Buffer.allocUnsafe(SEGMENT_INITIAL_BYTES);
  private length = 0;
  private second = Number.NaN;
  /** "2024-01-01T00:00:01." of "2024-01-01T00:00:01.000Z" as bytes, formatted once per second of trades. */
  private secondPrefix: Uint8Array = new Uint8Array(0);

  get empty(): boolean {
    return this.length === 0;
  }

  get capacity(): number {
    return this.buffer.length;
  }

  get used(): number {
    return this.length;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  /** Everything is written past `length` first and committed at the end, so a refused trade leaves no trace. */
  write(trade: AggTrade): void {
    try {
      const time = trade.tradeTime;
      if (!Number.isSafeInteger(time)) {
        throw new RangeError(`trade time ${time} is not whole milliseconds`);
      }
      const ms = ((time % 1000) + 1000) % 1000;
      if (time - ms !== this.second) {
        // Throws a RangeError for a time Date cannot hold, before anything is written.
        const iso = new Date(time - ms).toISOString();
        // Years past 9999 or before 0 come out as "+010000-…" or "-000001-…", which PostgreSQL refuses (22008) and
        // would make the whole batch fail again on every retry. Checked once per second of trades, not per trade.
        if (iso.length !== 24) {
          throw new RangeError(`trade time ${time} is outside the years PostgreSQL stores`);
        }
        this.secondPrefix = Buffer.from(iso.slice(0, -4), 'latin1');
        this.second = time - ms;
      }
      const prefix = this.secondPrefix;
      this.reserve(ROW_OVERHEAD_BYTES + trade.symbol.length + trade.price.length + trade.quantity.length + prefix.length);
      const buffer = this.buffer;
      let at = writeText(buffer, this.length, trade.symbol);
      buffer[at++] = TAB;
      at = writeInteger(buffer, at, trade.tradeId);
      buffer[at++] = TAB;
      at = writeText(buffer, at, trade.price);
      buffer[at++] = TAB;
      at = writeText(buffer, at, trade.quantity);
      buffer[at++] = TAB;
      at = writeInteger(buffer, at, trade.firstTradeId);
      buffer[at++] = TAB;
      at = writeInteger(buffer, at, trade.lastTradeId);
      buffer[at++] = TAB;
      buffer.set(prefix, at);
      at += prefix.length;
      buffer[at++] = ZERO + ((ms / 100) | 0);
      buffer[at++] = ZERO + (((ms / 10) | 0) % 10);
      buffer[at++] = ZERO + (ms % 10);
      buffer[at++] = 0x5a; // Z
      buffer[at++] = TAB;
      buffer[at++] = trade.isBuyerMaker ? 0x74 : 0x66; // t / f
      buffer[at++] = NEWLINE;
      this.length = at;
    } catch (error) {
      if (error instanceof RangeError) {
        throw new RangeError(`Trade ${trade.symbol}#${trade.tradeId} cannot be stored: ${error.message}`);
      }
      throw error;
    }
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) {
      return;
    }
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/** Writes printable ASCII text without backslashes at `at`; returns the index after it. */
function writeText(buffer: Buffer, at: number, value: string): number {
  const length = value.length;
  for (let index = 0; index < length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code > 0x7e || code === BACKSLASH) {
      throw new RangeError(`text field ${JSON.stringify(value)} has a control, non-ASCII or backslash character`);
    }
    buffer[at + index] = code;
  }
  return at + length;
}

/** Writes a safe integer in decimal at `at`; returns the index after it. */
function writeInteger(buffer: Buffer, at: number, value: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${value} is not a safe integer`);
  }
  let rest = value;
  if (rest < 0) {
    buffer[at++] = MINUS;
    rest = -rest;
  }
  let digits = 1;
  for (let scale = 10; scale <= rest; scale *= 10) {
    digits += 1;
  }
  const end = at + digits;
  for (let position = end - 1; position >= at; position -= 1) {
    const next = Math.floor(rest / 10);
    buffer[position] = ZERO + (rest - next * 10);
    rest = next;
  }
  return end;
}
