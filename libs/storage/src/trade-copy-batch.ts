import type { AggTrade } from '@binance-rates/domain';

const TAB = 0x09;
const NEWLINE = 0x0a;
const ZERO = 0x30;
const MINUS = 0x2d;
const BACKSLASH = 0x5c;
/** A row is at most this long besides its text fields: 3 ids of ≤ 17 characters, the time, separators, the flag. */
const ROW_OVERHEAD_BYTES = 96;
const SEGMENT_INITIAL_BYTES = 256;

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

  /** The COPY payload, grouped by symbol in code-unit order (= `COLLATE "C"` for ASCII), each symbol's rows as appended. */
  seal(): Buffer {
    const parts = [...this.segments]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, segment]) => segment.bytes());
    return Buffer.concat(parts);
  }
}

class Segment {
  private buffer = Buffer.allocUnsafe(SEGMENT_INITIAL_BYTES);
  private length = 0;
  private second = Number.NaN;
  /** "2024-01-01T00:00:01." of "2024-01-01T00:00:01.000Z", formatted once per second of trades. */
  private secondPrefix = '';

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  write(trade: AggTrade): void {
    const time = trade.tradeTime;
    if (!Number.isSafeInteger(time)) {
      throw new RangeError(`Trade ${trade.symbol}#${trade.tradeId} has a trade time that is not whole milliseconds: ${time}`);
    }
    const ms = ((time % 1000) + 1000) % 1000;
    if (time - ms !== this.second) {
      // Throws a RangeError for a time Date cannot hold, before anything is written.
      const prefix = new Date(time - ms).toISOString().slice(0, -4);
      this.second = time - ms;
      this.secondPrefix = prefix;
    }
    this.reserve(ROW_OVERHEAD_BYTES + trade.symbol.length + trade.price.length + trade.quantity.length + this.secondPrefix.length);
    const start = this.length;
    try {
      this.text(trade.symbol);
      this.byte(TAB);
      this.integer(trade.tradeId);
      this.byte(TAB);
      this.text(trade.price);
      this.byte(TAB);
      this.text(trade.quantity);
      this.byte(TAB);
      this.integer(trade.firstTradeId);
      this.byte(TAB);
      this.integer(trade.lastTradeId);
      this.byte(TAB);
      this.text(this.secondPrefix);
      this.byte(ZERO + Math.floor(ms / 100));
      this.byte(ZERO + (Math.floor(ms / 10) % 10));
      this.byte(ZERO + (ms % 10));
      this.byte(0x5a); // Z
      this.byte(TAB);
      this.byte(trade.isBuyerMaker ? 0x74 : 0x66); // t / f
      this.byte(NEWLINE);
    } catch (error) {
      this.length = start;
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

  private byte(value: number): void {
    this.buffer[this.length++] = value;
  }

  private text(value: string): void {
    for (let index = 0; index < value.length; index += 1) {
      const code = value.charCodeAt(index);
      if (code < 0x20 || code > 0x7e || code === BACKSLASH) {
        throw new RangeError(`text field ${JSON.stringify(value)} has a control, non-ASCII or backslash character`);
      }
      this.buffer[this.length++] = code;
    }
  }

  private integer(value: number): void {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`${value} is not a safe integer`);
    }
    let rest = value;
    if (rest < 0) {
      this.byte(MINUS);
      rest = -rest;
    }
    let digits = 1;
    for (let scale = 10; scale <= rest; scale *= 10) {
      digits += 1;
    }
    for (let position = this.length + digits - 1; position >= this.length; position -= 1) {
      this.buffer[position] = ZERO + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.length += digits;
  }
}
