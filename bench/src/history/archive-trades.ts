import type { AggTrade } from '@binance-rates/domain';
import { archiveDayCsv, createDefaultMarket, type SymbolListing, SymbolListing as Listing } from '@binance-rates/emulator';

const SEED = 1;

/** The emulator's listing of `symbol` (its real tick and step for the majors), as its archive draws it. */
export function listingOf(symbol: string): SymbolListing {
  const spec = createDefaultMarket({ generatedCount: 10, seed: SEED }).find((each) => each.symbol === symbol);
  if (spec === undefined) {
    throw new Error(`the emulator's default market has no ${symbol}`);
  }
  return new Listing(spec, SEED);
}

/**
 * A day of `symbol`'s trades as the emulator's archive has them (realistic prices on the tick, quantities on the step,
 * bursts and pauses), in chunks of trades: the data the storage figures are measured on.
 */
export function* archiveDayTrades(listing: SymbolListing, day: number, tradesPerDay: number): Generator<AggTrade[]> {
  const timeDivisor = day >= 20_089 ? 1_000 : 1; // microseconds from 2025-01-01 (day 20089)
  for (const chunk of archiveDayCsv({ listing, day, tradesPerDay })) {
    const trades: AggTrade[] = [];
    for (const line of chunk.toString('latin1').split('\n')) {
      if (line === '') continue;
      const [id, price, quantity, first, last, time, maker] = line.split(',') as [string, string, string, string, string, string, string];
      trades.push({
        symbol: listing.symbol,
        tradeId: Number(id),
        price,
        quantity,
        firstTradeId: Number(first),
        lastTradeId: Number(last),
        tradeTime: Math.floor(Number(time) / timeDivisor),
        isBuyerMaker: maker === 'True',
      });
    }
    yield trades;
  }
}
