import { type AggTrade, isTradeTimePlausible } from '@binance-rates/domain';
import { ArchiveFormatError } from './archive.errors';

/**
 * Times at or above this are microseconds: Binance's spot files carry µs from 2025-01-01 on, ms before. Epoch ms stay
 * below 1e13 until the year 2286 and epoch µs are above 1e15 since 2001, so the size tells the unit row by row
 * (a file is never trusted to be all one or the other).
 */
const MICROSECONDS_FROM = 1e14;

/**
 * Rows of a spot aggTrades CSV → AggTrade, chunk by chunk, holding only the partial line between chunks:
 *
 * ```
 * 3012345678,43000.01000000,0.00120000,3500000001,3500000003,1704067200123,False,True
 * ```
 * aggregate id, price, quantity, first trade id, last trade id, time (ms; µs from 2025), was the buyer the maker,
 * was it the best price match (ignored; newer files may leave it out). Older files have no header row, newer ones
 * may (`agg_trade_id,price,...`): a first row that does not start with a digit is taken for one. Line ends may be
 * `\n` or `\r\n`. Any other malformed row is an ArchiveFormatError naming the file and line.
 */
export class AggTradeCsvReader {
  private rest = '';
  private line = 0;

  constructor(
    private readonly symbol: string,
    private readonly file: string,
  ) {}

  /** The trades of the whole lines in `chunk` (with what was left of the one before). */
  read(chunk: Buffer): AggTrade[] {
    const text = this.rest + chunk.toString('latin1');
    const end = text.lastIndexOf('\n');
    if (end === -1) {
      this.rest = text;
      return [];
    }
    this.rest = text.slice(end + 1);
    return this.rows(text.slice(0, end));
  }

  /** The last line, when the file does not end with a line break. */
  end(): AggTrade[] {
    const text = this.rest;
    this.rest = '';
    return text.trim() === '' ? [] : this.rows(text);
  }

  private rows(text: string): AggTrade[] {
    const trades: AggTrade[] = [];
    for (const raw of text.split('\n')) {
      this.line += 1;
      const row = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
      if (row === '') {
        continue;
      }
      const first = row.charCodeAt(0);
      if (first < 48 || first > 57) {
        if (this.line === 1) {
          continue;
        }
        throw this.problem(`line ${this.line} is not a trade row: ${JSON.stringify(row.slice(0, 80))}`);
      }
      trades.push(this.trade(row));
    }
    return trades;
  }

  private trade(row: string): AggTrade {
    const fields = row.split(',');
    if (fields.length < 7 || fields.length > 8) {
      throw this.problem(`line ${this.line} has ${fields.length} fields, not 7 or 8`);
    }
    const tradeId = this.id(fields[0], 'aggregate trade id');
    const rawTime = this.id(fields[5], 'timestamp');
    const tradeTime = rawTime >= MICROSECONDS_FROM ? Math.floor(rawTime / 1000) : rawTime;
    if (!isTradeTimePlausible(tradeTime)) {
      throw this.problem(`line ${this.line} has timestamp ${fields[5]}, outside 2017..2100 in ms or µs`);
    }
    return {
      symbol: this.symbol,
      tradeId,
      price: fields[1],
      quantity: fields[2],
      firstTradeId: this.id(fields[3], 'first trade id'),
      lastTradeId: this.id(fields[4], 'last trade id'),
      tradeTime,
      isBuyerMaker: this.flag(fields[6]),
    };
  }

  private id(text: string, what: string): number {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0 || text === '') {
      throw this.problem(`line ${this.line} has ${what} ${JSON.stringify(text)}, not a whole number`);
    }
    return value;
  }

  private flag(text: string): boolean {
    switch (text) {
      case 'True':
      case 'true':
        return true;
      case 'False':
      case 'false':
        return false;
      default:
        throw this.problem(`line ${this.line} has buyer-maker flag ${JSON.stringify(text)}, not True or False`);
    }
  }

  private problem(message: string): ArchiveFormatError {
    return new ArchiveFormatError(this.file, message);
  }
}
