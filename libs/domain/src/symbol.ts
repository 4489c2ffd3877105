export const SYMBOL_PATTERN = /^[A-Z0-9]{2,20}$/;

/** Upper-cases and trims; returns null when the result is not a plausible Binance symbol. */
export function normalizeSymbol(input: unknown): string | null {
  if (typeof input !== 'string') {
    return null;
  }
  const symbol = input.trim().toUpperCase();
  return SYMBOL_PATTERN.test(symbol) ? symbol : null;
}

/** Binance stream names are lower-case: `btcusdt@aggTrade`. */
export function aggTradeStreamName(symbol: string): string {
  return `${symbol.toLowerCase()}@aggTrade`;
}
