import type { MarketSymbolSpec } from './market.types';
import { formatUnits, powerOfTenUnits } from './decimal';
import { createSeededRandom } from './seeded-random';

/** Real listings at plausible prices, with Binance's PRICE_FILTER tick and LOT_SIZE step for each. */
const MAJORS: ReadonlyArray<readonly [base: string, quote: string, price: string, tick: string, step: string]> = [
  ['BTC', 'USDT', '37000.00', '0.01', '0.00001'], ['ETH', 'USDT', '2000.00', '0.01', '0.0001'],
  ['BNB', 'USDT', '300.00', '0.01', '0.001'], ['SOL', 'USDT', '60.00', '0.01', '0.001'],
  ['XRP', 'USDT', '0.6000', '0.0001', '0.1'], ['ADA', 'USDT', '0.3500', '0.0001', '0.1'],
  ['DOGE', 'USDT', '0.08000', '0.00001', '1'], ['TRX', 'USDT', '0.10000', '0.0001', '0.1'],
  ['DOT', 'USDT', '5.000', '0.001', '0.01'], ['LTC', 'USDT', '70.00', '0.01', '0.001'],
  ['LINK', 'USDT', '14.000', '0.01', '0.01'], ['AVAX', 'USDT', '20.00', '0.01', '0.01'],
  ['ATOM', 'USDT', '9.000', '0.001', '0.01'], ['UNI', 'USDT', '6.000', '0.001', '0.01'],
  ['XLM', 'USDT', '0.1200', '0.0001', '1'], ['ETC', 'USDT', '18.00', '0.01', '0.01'],
  ['FIL', 'USDT', '4.000', '0.001', '0.01'], ['NEAR', 'USDT', '2.000', '0.001', '0.1'],
  ['APT', 'USDT', '7.000', '0.001', '0.01'], ['ARB', 'USDT', '1.1000', '0.0001', '0.1'],
  ['OP', 'USDT', '1.6000', '0.001', '0.01'], ['SHIB', 'USDT', '0.00000900', '0.00000001', '1'],
  ['PEPE', 'USDT', '0.00001000', '0.00000001', '1'], ['SUI', 'USDT', '1.2000', '0.0001', '0.1'],
  ['BTC', 'FDUSD', '37000.00', '0.01', '0.00001'], ['ETH', 'FDUSD', '2000.00', '0.01', '0.0001'],
  ['BTC', 'EUR', '34000.00', '0.01', '0.00001'], ['ETH', 'EUR', '1850.00', '0.01', '0.0001'],
  ['ETH', 'BTC', '0.05400', '0.00001', '0.0001'], ['BNB', 'BTC', '0.008100', '0.000001', '0.001'],
  ['SOL', 'BTC', '0.0016200', '0.0000001', '0.001'], ['XRP', 'BTC', '0.00001620', '0.00000001', '1'],
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
  const specs: MarketSymbolSpec[] = MAJORS.map(([baseAsset, quoteAsset, startPrice, tickSize, stepSize]) => ({
    symbol: `${baseAsset}${quoteAsset}`,
    status: 'TRADING',
    baseAsset,
    quoteAsset,
    startPrice,
    tickSize,
    stepSize,
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
    const magnitude = Math.floor(Math.log10(price));
    specs.push({
      symbol: `${baseAsset}USDT`,
      status: 'TRADING',
      baseAsset,
      quoteAsset: 'USDT',
      startPrice: price.toFixed(price >= 1 ? 4 : 8),
      // Five significant digits of price, one step worth 0.1–1 USDT: how Binance lists most altcoins.
      tickSize: decimalPower(magnitude - 4),
      stepSize: decimalPower(Math.min(-magnitude - 1, 0)),
    });
  }
  return specs;
}

/** 10^exponent as Binance prints a filter value (at most 8 decimals, at least 0.00000001). */
function decimalPower(exponent: number): string {
  return formatUnits(powerOfTenUnits(exponent));
}
