import type { MarketSymbolSpec } from './market.types';
import { createSeededRandom } from './seeded-random';

/** Real listings at plausible prices, so demos and ccxt see familiar markets. */
const MAJORS: ReadonlyArray<readonly [base: string, quote: string, price: string]> = [
  ['BTC', 'USDT', '37000.00'], ['ETH', 'USDT', '2000.00'], ['BNB', 'USDT', '300.00'], ['SOL', 'USDT', '60.00'],
  ['XRP', 'USDT', '0.6000'], ['ADA', 'USDT', '0.3500'], ['DOGE', 'USDT', '0.08000'], ['TRX', 'USDT', '0.10000'],
  ['DOT', 'USDT', '5.000'], ['LTC', 'USDT', '70.00'], ['LINK', 'USDT', '14.000'], ['AVAX', 'USDT', '20.00'],
  ['ATOM', 'USDT', '9.000'], ['UNI', 'USDT', '6.000'], ['XLM', 'USDT', '0.1200'], ['ETC', 'USDT', '18.00'],
  ['FIL', 'USDT', '4.000'], ['NEAR', 'USDT', '2.000'], ['APT', 'USDT', '7.000'], ['ARB', 'USDT', '1.1000'],
  ['OP', 'USDT', '1.6000'], ['SHIB', 'USDT', '0.00000900'], ['PEPE', 'USDT', '0.00000100'], ['SUI', 'USDT', '1.2000'],
  ['BTC', 'FDUSD', '37000.00'], ['ETH', 'FDUSD', '2000.00'], ['BTC', 'EUR', '34000.00'], ['ETH', 'EUR', '1850.00'],
  ['ETH', 'BTC', '0.05400'], ['BNB', 'BTC', '0.008100'], ['SOL', 'BTC', '0.0016200'], ['XRP', 'BTC', '0.00001620'],
];

/** Listed but halted (emergency stop): never trades. */
export const HALTED_SYMBOL = 'HALTUSDT';
/** Listed but in a planned break: never trades. */
export const BREAK_SYMBOL = 'BREAKUSDT';

export interface DefaultMarketParams {
  /** How many synthetic `C001USDT`-style symbols to add after the majors (default 270, about 300 in total). */
  generatedCount?: number;
  seed?: number;
}

/**
 * The default market: the majors above, `HALTUSDT` (HALT) and `BREAKUSDT` (BREAK), then `C001USDT`,
 * `C002USDT`, … with seeded prices spread over 0.001–1000 USDT.
 */
export function createDefaultMarket({ generatedCount = 270, seed = 1 }: DefaultMarketParams = {}): MarketSymbolSpec[] {
  const specs: MarketSymbolSpec[] = MAJORS.map(([baseAsset, quoteAsset, startPrice]) => ({
    symbol: `${baseAsset}${quoteAsset}`,
    status: 'TRADING',
    baseAsset,
    quoteAsset,
    startPrice,
  }));
  specs.push(
    { symbol: HALTED_SYMBOL, status: 'HALT', baseAsset: 'HALT', quoteAsset: 'USDT', startPrice: '1.5000' },
    { symbol: BREAK_SYMBOL, status: 'BREAK', baseAsset: 'BREAK', quoteAsset: 'USDT', startPrice: '2.5000' },
  );
  const random = createSeededRandom(seed);
  const width = Math.max(3, String(generatedCount).length);
  for (let i = 1; i <= generatedCount; i++) {
    const baseAsset = `C${String(i).padStart(width, '0')}`;
    const price = 10 ** (random() * 6 - 3);
    specs.push({
      symbol: `${baseAsset}USDT`,
      status: 'TRADING',
      baseAsset,
      quoteAsset: 'USDT',
      startPrice: price.toFixed(price >= 1 ? 4 : 8),
    });
  }
  return specs;
}
