import { formatMultiple } from '../market/decimal';
import { createSeededRandom, mixSeed } from '../market/seeded-random';
import { MS_PER_DAY, parseDay, SymbolListing } from '../market/symbol-listing';
import { TradeGenerator } from '../market/trade-generator';

/** Spot files from this day on carry microsecond timestamps (binance-public-data README, "SPOT"). */
export const MICROSECONDS_FROM_DAY = parseDay('2025-01-01') as number;
const US_PER_DAY = MS_PER_DAY * 1000;
/** Trades generated and timed together: pauses are drawn freely inside a segment, then fitted to its share of the day. */
const SEGMENT = 4096;
const DAY_STREAM = 0x44415953;
const DAY_CLOCK_STREAM = 0x44434c4b;

export interface ArchiveDayParams {
  listing: SymbolListing;
  /** UTC day, in days since the epoch. */
  day: number;
  tradesPerDay: number;
}

/**
 * One archived day of a symbol as the CSV text of Binance's spot aggTrades files, in chunks: no header; aggregate
 * id, price, quantity, first and last trade id, time (ms, µs from 2025), buyer was maker, best match ("True"/"False").
 *
 * A pure function of (seed, symbol, day, tradesPerDay): the day's ids start at `(day − listing day) × tradesPerDay`,
 * so day N + 1 continues day N; its prices walk from the day's opening price to the next day's, so the tape is
 * continuous at midnight; raw trade ids come from the fill layout, continuous across days. Nothing of a day is held
 * but one segment of trades.
 */
export function* archiveDayCsv({ listing, day, tradesPerDay }: ArchiveDayParams): Generator<Buffer> {
  const generator = new TradeGenerator({
    listing,
    random: createSeededRandom(mixSeed(listing.seed, listing.symbolHash, DAY_STREAM, day)),
    clockRandom: createSeededRandom(mixSeed(listing.seed, listing.symbolHash, DAY_CLOCK_STREAM, day)),
    startTicks: listing.openingTicks(day),
    firstAggId: listing.firstAggIdOfDay(day, tradesPerDay),
  });
  const closingTicks = listing.openingTicks(day + 1);
  const firstId = listing.firstAggIdOfDay(day, tradesPerDay);
  const timeDivisor = day >= MICROSECONDS_FROM_DAY ? 1 : 1000;
  const usPerTrade = US_PER_DAY / tradesPerDay;
  const gaps = new Float64Array(SEGMENT);
  // A row is "<head><time><tail>": the head and tail are known when a trade is drawn, its time once its segment is.
  const heads: string[] = new Array<string>(SEGMENT);
  const tails: string[] = new Array<string>(SEGMENT);
  for (let start = 0; start < tradesPerDay; start += SEGMENT) {
    const count = Math.min(SEGMENT, tradesPerDay - start);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const index = start + i;
      const trade = generator.next();
      generator.walk.steer(closingTicks, tradesPerDay - index - 1);
      gaps[i] = trade.gap;
      total += trade.gap;
      const lastTradeId = trade.firstTradeId + trade.tradeCount - 1;
      heads[i] =
        `${firstId + index},${formatMultiple(trade.priceTicks, listing.tickUnits)},` +
        `${formatMultiple(trade.quantitySteps, listing.stepUnits)},${trade.firstTradeId},${lastTradeId},`;
      tails[i] = trade.isBuyerMaker ? ',True,True\n' : ',False,True\n';
    }
    // The pause after the segment's last trade belongs to the segment too, so its trades never reach its end.
    total += generator.upcomingGap;
    const segmentStart = day * US_PER_DAY + start * usPerTrade;
    const segmentEnd = segmentStart + count * usPerTrade - 1;
    let elapsed = 0;
    let text = '';
    for (let i = 0; i < count; i++) {
      elapsed += gaps[i];
      const micros = Math.min(Math.floor(segmentStart + (total > 0 ? (count * usPerTrade * elapsed) / total : 0)), segmentEnd);
      text += heads[i] + Math.floor(micros / timeDivisor) + tails[i];
    }
    yield Buffer.from(text, 'latin1');
  }
}
