import { DecimalTextReader, isTradeTimePlausible, type TradeFields, type TradeRunBatch } from '@binance-rates/domain';
import { ArchiveFormatError } from './archive.errors';

/**
 * Times at or above this are microseconds: Binance's spot files carry µs from 2025-01-01 on, ms before. Epoch ms stay
 * below 1e13 until the year 2286 and epoch µs are above 1e15 since 2001, so the size tells the unit row by row
 * (a file is never trusted to be all one or the other).
 */
const MICROSECONDS_FROM = 1e14;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const COMMA = 0x2c;
const ZERO = 0x30;
const NINE = 0x39;
/** A row has 7 fields, or 8 with the best-match flag; one comma more than that is enough to know it has too many. */
const MAX_COMMAS = 8;
/** `True`/`true` and `False`/`false`: the first letter in either case, then the rest in lower case. */
const [UPPER_T, LOWER_T, UPPER_F, LOWER_F] = [0x54, 0x74, 0x46, 0x66];
const RUE = [0x72, 0x75, 0x65];
const ALSE = [0x61, 0x6c, 0x73, 0x65];

/**
 * Rows of a spot aggTrades CSV, decoded from the bytes chunk by chunk straight into a TradeRunBatch's columns:
 *
 * ```
 * 3012345678,43000.01000000,0.00120000,3500000001,3500000003,1704067200123,False,True
 * ```
 * aggregate id, price, quantity, first trade id, last trade id, time (ms; µs from 2025), was the buyer the maker,
 * was it the best price match (ignored; newer files may leave it out). Older files have no header row, newer ones
 * may (`agg_trade_id,price,...`): a first row that does not start with a digit is taken for one. Line ends may be
 * `\n` or `\r\n`. Any other malformed row is an ArchiveFormatError naming the file and line.
 *
 * A month of a busy symbol is tens of millions of rows, so no string or object is made per row: fields are found by
 * their commas, numbers read from the digits, decimals into units (DecimalTextReader.readBytes), and one reused row
 * handed to the batch. Only the part of a line cut by a chunk's end is kept between chunks.
 */
export class AggTradeCsvDecoder {
  /** The start of a line a chunk cut (`restLength` bytes), and the line it makes with the next chunk's head. */
  private rest = Buffer.alloc(256);
  private restLength = 0;
  private line = 0;
  private readonly price = new DecimalTextReader();
  private readonly quantity = new DecimalTextReader();
  private readonly row: { -readonly [K in keyof TradeFields]: TradeFields[K] };
  private readonly commas = new Int32Array(MAX_COMMAS + 1);

  constructor(
    symbol: string,
    private readonly file: string,
  ) {
    this.row = { symbol, tradeId: 0, firstTradeId: 0, lastTradeId: 0, tradeTime: 0, isBuyerMaker: false };
  }

  /**
   * Decodes the whole lines of `chunk` (after what was left of the line before) into `batch`, all but the trades with
   * ids at or below `afterId` (stored already); returns how many it appended.
   */
  decode(chunk: Buffer, batch: TradeRunBatch, afterId: number): number {
    const firstFeed = chunk.indexOf(LINE_FEED);
    if (firstFeed === -1) {
      this.keep(chunk, 0);
      return 0;
    }
    let appended = 0;
    // The line cut by the last chunk is completed in the kept bytes, not by joining the chunks: every byte of a
    // month passes here, and a copy of each chunk would double what the garbage collector is asked to free.
    if (this.restLength > 0) {
      this.keep(chunk.subarray(0, firstFeed + 1), 0);
      appended += this.rows(this.rest, this.restLength - 1, batch, afterId);
      this.restLength = 0;
    } else {
      appended += this.rows(chunk, firstFeed, batch, afterId);
    }
    const lastFeed = chunk.lastIndexOf(LINE_FEED);
    if (lastFeed > firstFeed) {
      appended += this.rows(chunk, lastFeed, batch, afterId, firstFeed + 1);
    }
    this.keep(chunk, lastFeed + 1);
    return appended;
  }

  /** The last line, when the file does not end with a line break. */
  end(batch: TradeRunBatch, afterId: number): number {
    if (this.rest.toString('latin1', 0, this.restLength).trim() === '') {
      this.restLength = 0;
      return 0;
    }
    this.keep(Buffer.of(LINE_FEED), 0);
    const appended = this.rows(this.rest, this.restLength - 1, batch, afterId);
    this.restLength = 0;
    return appended;
  }

  /** Adds `bytes[from..]` to the kept start of a line. */
  private keep(bytes: Buffer, from: number): void {
    const length = bytes.length - from;
    if (this.restLength + length > this.rest.length) {
      const grown = Buffer.alloc(Math.max(2 * this.rest.length, this.restLength + length));
      this.rest.copy(grown, 0, 0, this.restLength);
      this.rest = grown;
    }
    bytes.copy(this.rest, this.restLength, from);
    this.restLength += length;
  }

  /** The lines of `bytes` from `first` up to the line feed at `last`. */
  private rows(bytes: Buffer, last: number, batch: TradeRunBatch, afterId: number, first = 0): number {
    let appended = 0;
    for (let start = first; start <= last; ) {
      const feed = bytes.indexOf(LINE_FEED, start);
      const end = feed > start && bytes[feed - 1] === CARRIAGE_RETURN ? feed - 1 : feed;
      this.line += 1;
      if (end > start && this.decodeLine(bytes, start, end, batch, afterId)) {
        appended += 1;
      }
      start = feed + 1;
    }
    return appended;
  }

  /** Decodes one line, `bytes[start..end)`, not empty; true when its trade was appended. */
  private decodeLine(bytes: Buffer, start: number, end: number, batch: TradeRunBatch, afterId: number): boolean {
    const first = bytes[start];
    if (first < ZERO || first > NINE) {
      if (this.line === 1) {
        return false;
      }
      throw this.problem(`line ${this.line} is not a trade row: ${JSON.stringify(bytes.toString('latin1', start, Math.min(end, start + 80)))}`);
    }
    const commas = this.commas;
    let count = 0;
    for (let at = start; at < end && count <= MAX_COMMAS; at += 1) {
      if (bytes[at] === COMMA) {
        commas[count] = at;
        count += 1;
      }
    }
    if (count < 6 || count > 7) {
      const fields = count > MAX_COMMAS ? bytes.toString('latin1', start, end).split(',').length : count + 1;
      throw this.problem(`line ${this.line} has ${fields} fields, not 7 or 8`);
    }
    const row = this.row;
    row.tradeId = this.wholeNumber(bytes, start, commas[0], 'aggregate trade id');
    if (row.tradeId <= afterId) {
      return false;
    }
    const priceProblem = this.price.readBytes(bytes, commas[0] + 1, commas[1]);
    const quantityProblem = priceProblem ?? this.quantity.readBytes(bytes, commas[1] + 1, commas[2]);
    if (quantityProblem !== null) {
      const [what, from, to] = priceProblem !== null ? ['price', commas[0] + 1, commas[1]] : ['quantity', commas[1] + 1, commas[2]];
      throw this.problem(`line ${this.line} has ${what} ${JSON.stringify(bytes.toString('latin1', from, to))}, which ${quantityProblem}`);
    }
    row.firstTradeId = this.wholeNumber(bytes, commas[2] + 1, commas[3], 'first trade id');
    row.lastTradeId = this.wholeNumber(bytes, commas[3] + 1, commas[4], 'last trade id');
    const rawTime = this.wholeNumber(bytes, commas[4] + 1, commas[5], 'timestamp');
    row.tradeTime = rawTime >= MICROSECONDS_FROM ? Math.floor(rawTime / 1000) : rawTime;
    if (!isTradeTimePlausible(row.tradeTime)) {
      throw this.problem(`line ${this.line} has timestamp ${bytes.toString('latin1', commas[4] + 1, commas[5])}, outside 2017..2100 in ms or µs`);
    }
    row.isBuyerMaker = this.flag(bytes, commas[5] + 1, count === 7 ? commas[6] : end);
    batch.appendRead(row, this.price, this.quantity);
    return true;
  }

  /** The digits of `bytes[from..to)` as a number: a whole number below 2^53, else an error naming `what`. */
  private wholeNumber(bytes: Buffer, from: number, to: number, what: string): number {
    let value = 0;
    let at = from;
    for (; at < to; at += 1) {
      const code = bytes[at];
      if (code < ZERO || code > NINE) {
        break;
      }
      value = value * 10 + (code - ZERO);
    }
    if (at !== to || to === from || value > Number.MAX_SAFE_INTEGER) {
      throw this.problem(`line ${this.line} has ${what} ${JSON.stringify(bytes.toString('latin1', from, to))}, not a whole number`);
    }
    return value;
  }

  private flag(bytes: Buffer, from: number, to: number): boolean {
    const initial = bytes[from];
    if (to - from === 4 && (initial === UPPER_T || initial === LOWER_T) && bytes[from + 1] === RUE[0] && bytes[from + 2] === RUE[1] && bytes[from + 3] === RUE[2]) {
      return true;
    }
    if (
      to - from === 5 &&
      (initial === UPPER_F || initial === LOWER_F) &&
      bytes[from + 1] === ALSE[0] &&
      bytes[from + 2] === ALSE[1] &&
      bytes[from + 3] === ALSE[2] &&
      bytes[from + 4] === ALSE[3]
    ) {
      return false;
    }
    throw this.problem(`line ${this.line} has buyer-maker flag ${JSON.stringify(bytes.toString('latin1', from, to))}, not True or False`);
  }

  private problem(message: string): ArchiveFormatError {
    return new ArchiveFormatError(this.file, message);
  }
}
