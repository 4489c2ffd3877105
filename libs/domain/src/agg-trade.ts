import { SYMBOL_PATTERN } from './symbol';

/**
 * One Binance aggregate trade, as the domain sees it. Prices and quantities stay decimal strings end to end so
 * nothing is ever rounded through a float; ids are numbers because Binance's aggregate ids stay far below 2^53.
 */
export interface AggTrade {
  /** Upper-case symbol, e.g. `BTCUSDT`. */
  symbol: string;
  /** Aggregate trade id, sequential per symbol. */
  tradeId: number;
  price: string;
  quantity: string;
  firstTradeId: number;
  lastTradeId: number;
  /** Trade time, epoch milliseconds. */
  tradeTime: number;
  isBuyerMaker: boolean;
}

/** A trade but for its decimals: what a decoder that reads them straight into units (TradeRunBatch.appendRead) hands on. */
export type TradeFields = Omit<AggTrade, 'price' | 'quantity'>;

/** What a reader needs of a price; an AggTrade is one, so the live path can publish a trade without copying it. */
export interface PricePoint {
  symbol: string;
  price: string;
  tradeId: number;
  tradeTime: number;
}

/** The latest known price of a symbol, as kept in the cache. */
export interface LatestPrice extends PricePoint {
  /** When this instance wrote the price, epoch milliseconds. */
  updatedAt: number;
}

/** Longest run of digits on either side of a decimal's point that a price or quantity may have. */
export const MAX_DECIMAL_DIGITS = 40;
/** A plain decimal as Binance writes prices and quantities: digits, optionally one point and more digits. */
const DECIMAL_TEXT = new RegExp(`^\\d{1,${MAX_DECIMAL_DIGITS}}(?:\\.\\d{1,${MAX_DECIMAL_DIGITS}})?$`);
const ID_FIELDS = ['tradeId', 'firstTradeId', 'lastTradeId', 'tradeTime'] as const;

/**
 * Trade times (epoch ms) a trade can plausibly have: from 2017, the year Binance opened, to the start of 2100. Fixed
 * bounds rather than "now": the frame scanner checks them on every trade, and reading the clock there costs more than
 * two comparisons. Both lie well inside what PostgreSQL's timestamptz (and JavaScript's Date) hold, so a time past
 * this check is always storable.
 */
export const TRADE_TIME_RANGE = Object.freeze({ min: Date.UTC(2017, 0, 1), max: Date.UTC(2100, 0, 1) });
export const TRADE_TIME_RANGE_TEXT = '2017-01-01..2100-01-01';

/** True for a trade time inside TRADE_TIME_RANGE (a NaN or non-number is not). */
export function isTradeTimePlausible(time: number): boolean {
  return time >= TRADE_TIME_RANGE.min && time < TRADE_TIME_RANGE.max;
}

/**
 * What makes `trade` unusable as an aggregate trade (a message fit for a log), or null when it is well formed:
 * what comes off the wire is checked before it can move a price or enter the history.
 */
export function aggTradeProblem(trade: AggTrade): string | null {
  if (typeof trade.symbol !== 'string' || !SYMBOL_PATTERN.test(trade.symbol)) {
    return `symbol ${JSON.stringify(trade.symbol)} is not a Binance symbol`;
  }
  for (const field of ID_FIELDS) {
    const value = trade[field];
    if (!Number.isSafeInteger(value) || value < 0) {
      return `${trade.symbol} ${field} ${JSON.stringify(value)} is not a whole number >= 0`;
    }
  }
  for (const field of ['price', 'quantity'] as const) {
    const value = trade[field];
    if (typeof value !== 'string' || !DECIMAL_TEXT.test(value)) {
      return `${trade.symbol}#${trade.tradeId} ${field} ${JSON.stringify(value)} is not a decimal`;
    }
  }
  if (!isTradeTimePlausible(trade.tradeTime)) {
    return `${trade.symbol}#${trade.tradeId} tradeTime ${trade.tradeTime} is outside ${TRADE_TIME_RANGE_TEXT}`;
  }
  if (typeof trade.isBuyerMaker !== 'boolean') {
    return `${trade.symbol}#${trade.tradeId} isBuyerMaker ${JSON.stringify(trade.isBuyerMaker)} is not a boolean`;
  }
  return null;
}
