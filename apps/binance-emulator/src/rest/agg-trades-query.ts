import { BinanceApiError, BinanceApiErrors, NUMBER_RANGE, SYMBOL_RANGE } from '@binance-rates/domain';

export const AGG_TRADES_DEFAULT_LIMIT = 500;
export const AGG_TRADES_MAX_LIMIT = 1000;
const SYMBOL_PATTERN = /^[A-Z0-9\-_.]{1,20}$/;
const NUMBER_PATTERN = /^[0-9]{1,20}$/;

export interface AggTradesQuery {
  symbol: string;
  limit: number;
  fromId?: number;
  startTime?: number;
  endTime?: number;
}

/**
 * Validates `GET /api/v3/aggTrades` parameters (rest-api.md, "Compressed/Aggregate trades list") in Binance's order:
 * mandatory, then syntax, then combinations, then whether the symbol exists. A limit above 1000 is capped, as spot
 * does (ccxt/ccxt#19247).
 */
export function parseAggTradesQuery(params: URLSearchParams, isKnownSymbol: (symbol: string) => boolean): AggTradesQuery | BinanceApiError {
  const symbol = params.get('symbol');
  if (!symbol) {
    return BinanceApiErrors.mandatory('symbol');
  }
  if (!SYMBOL_PATTERN.test(symbol)) {
    return BinanceApiErrors.illegalChars('symbol', SYMBOL_RANGE);
  }
  const numbers: Partial<Record<'fromId' | 'startTime' | 'endTime' | 'limit', number>> = {};
  for (const name of ['fromId', 'startTime', 'endTime', 'limit'] as const) {
    const text = params.get(name);
    if (text === null || text === '') {
      continue;
    }
    if (!NUMBER_PATTERN.test(text)) {
      return BinanceApiErrors.illegalChars(name, NUMBER_RANGE);
    }
    numbers[name] = Number(text);
  }
  const { fromId, startTime, endTime, limit } = numbers;
  if (limit === 0) {
    return BinanceApiErrors.invalidParameter('limit');
  }
  const hasTime = startTime !== undefined || endTime !== undefined;
  if ((fromId !== undefined && hasTime) || (startTime !== undefined && endTime !== undefined && startTime > endTime)) {
    return BinanceApiErrors.badCombination();
  }
  if (!isKnownSymbol(symbol)) {
    return BinanceApiErrors.invalidSymbol();
  }
  return {
    symbol,
    limit: Math.min(limit ?? AGG_TRADES_DEFAULT_LIMIT, AGG_TRADES_MAX_LIMIT),
    ...(fromId !== undefined && { fromId }),
    ...(startTime !== undefined && { startTime }),
    ...(endTime !== undefined && { endTime }),
  };
}
