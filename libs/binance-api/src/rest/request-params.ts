import { BinanceApiErrors, CANDLE_INTERVAL_NAMES, type CandleIntervalName, NUMBER_RANGE, SYMBOL_RANGE, SYMBOLS_RANGE } from '@binance-rates/domain';

const SYMBOL_PATTERN = /^[A-Z0-9\-_.]{1,20}$/;
const NUMBER_PATTERN = /^[0-9]{1,20}$/;
/** `timeZone` of klines: hours, or hours and minutes, with an optional sign ("8", "-1:00", "05:45", "+14:00"). */
const TIME_ZONE_PATTERN = /^([+-]?)(\d{1,2})(?::(\d{2}))?$/;
const MINUTE_MS = 60_000;
export const SYMBOL_STATUSES: readonly string[] = ['TRADING', 'HALT', 'BREAK'];

/**
 * Query parameters read the way Binance's REST reads them (rest-api.md; the project's emulator follows the same
 * rules): a missing mandatory one is -1102, a value outside its legal range -1100, and each throws a BinanceApiError.
 */
export class RequestParams {
  constructor(private readonly params: URLSearchParams) {}

  has(name: string): boolean {
    return this.params.has(name);
  }

  /** A mandatory upper-case symbol (syntax only; whether it is served is the caller's question). */
  symbol(): string {
    const symbol = this.params.get('symbol');
    if (!symbol) {
      throw BinanceApiErrors.mandatory('symbol');
    }
    if (!SYMBOL_PATTERN.test(symbol)) {
      throw BinanceApiErrors.illegalChars('symbol', SYMBOL_RANGE);
    }
    return symbol;
  }

  /**
   * `symbol` or `symbols` (a JSON array, e.g. `["BTCUSDT","ETHUSDT"]`), not both: the names asked for, or null when
   * neither was sent.
   */
  symbolSelection(): string[] | null {
    const symbols = this.params.get('symbols');
    if (this.params.has('symbol') && symbols !== null) {
      throw BinanceApiErrors.badCombination();
    }
    if (this.params.has('symbol')) {
      return [this.symbol()];
    }
    if (symbols === null) {
      return null;
    }
    let list: unknown;
    try {
      list = JSON.parse(symbols);
    } catch {
      throw BinanceApiErrors.illegalChars('symbols', SYMBOLS_RANGE);
    }
    if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && SYMBOL_PATTERN.test(item))) {
      throw BinanceApiErrors.illegalChars('symbols', SYMBOLS_RANGE);
    }
    if (list.length === 0) {
      throw BinanceApiErrors.mandatory('symbols');
    }
    if (new Set(list).size !== list.length) {
      throw BinanceApiErrors.duplicateSymbols();
    }
    return list as string[];
  }

  /** An optional whole number (ids, epoch-ms times, limits); empty counts as absent. */
  number(name: string): number | undefined {
    const text = this.params.get(name);
    if (text === null || text === '') {
      return undefined;
    }
    if (!NUMBER_PATTERN.test(text)) {
      throw BinanceApiErrors.illegalChars(name, NUMBER_RANGE);
    }
    return Number(text);
  }

  /** `limit`: `fallback` when absent, 0 refused (-1130), above `max` capped as Binance's spot API does (ccxt/ccxt#19247). */
  limit(fallback: number, max: number): number {
    const limit = this.number('limit');
    if (limit === 0) {
      throw BinanceApiErrors.invalidParameter('limit');
    }
    return Math.min(limit ?? fallback, max);
  }

  /** The mandatory kline `interval` (rest-api.md "Kline/Candlestick data", case-sensitive): -1102 when absent, -1120 when unknown. */
  interval(): CandleIntervalName {
    const interval = this.params.get('interval');
    if (!interval) {
      throw BinanceApiErrors.mandatory('interval');
    }
    if (!(CANDLE_INTERVAL_NAMES as readonly string[]).includes(interval)) {
      throw BinanceApiErrors.invalidInterval();
    }
    return interval as CandleIntervalName;
  }

  /**
   * Klines' `timeZone` as an offset east of UTC in ms (0 when absent): hours or hours and minutes, strictly within
   * [-12:00, +14:00] as Binance documents it; anything else is -1130 (Binance documents the range, not its error).
   */
  timeZoneOffsetMs(): number {
    const text = this.params.get('timeZone');
    if (text === null || text === '') {
      return 0;
    }
    const match = TIME_ZONE_PATTERN.exec(text);
    const minutes = match === null ? NaN : Number(match[2]) * 60 + Number(match[3] ?? 0);
    const offset = match?.[1] === '-' ? -minutes : minutes;
    if (match === null || Number(match[3] ?? 0) >= 60 || offset < -12 * 60 || offset > 14 * 60) {
      throw BinanceApiErrors.invalidParameter('timeZone');
    }
    return offset * MINUTE_MS;
  }

  /** `symbolStatus`: one of TRADING, HALT, BREAK, or undefined when absent. */
  symbolStatus(): string | undefined {
    const status = this.params.get('symbolStatus');
    if (status === null) {
      return undefined;
    }
    if (!SYMBOL_STATUSES.includes(status)) {
      throw BinanceApiErrors.invalidSymbolStatus();
    }
    return status;
  }

  text(name: string): string | null {
    return this.params.get(name);
  }
}
