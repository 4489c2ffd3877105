import { parseUnits, powerOfTenUnits, UNITS_PER_WHOLE } from './decimal';
import type { MarketSymbolSpec } from './market.types';
import { createSeededRandom, hashString, mixSeed, normalDraw } from './seeded-random';

export const MS_PER_DAY = 86_400_000;
/** The first day of Binance's spot archive (BTCUSDT's first file); symbols without `listedSince` start there. */
export const DEFAULT_LISTED_SINCE = '2017-08-17';
/** Spread of a day's opening price around the listing's reference price (log scale): a few percent a day. */
const DAILY_LEVEL_SPREAD = 0.04;
const ANCHOR_STREAM = 0x414e4348;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a `YYYY-MM-DD` UTC date; null when it is not a real date. */
export function parseDay(text: string): number | null {
  const match = DATE_PATTERN.exec(text);
  if (!match) {
    return null;
  }
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(time).toISOString().startsWith(text) ? time / MS_PER_DAY : null;
}

export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * What is fixed about a symbol whatever time it is: its filters (tick and step), its reference price, when it was
 * listed, and the seeded functions of the day both the live market and the archive draw from, so that they agree.
 */
export class SymbolListing {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly tickUnits: number;
  readonly stepUnits: number;
  /** The reference (start) price in ticks: the centre of the band prices stay in. */
  readonly centreTicks: number;
  readonly listedDay: number;
  readonly seed: number;
  readonly symbolHash: number;

  constructor(spec: MarketSymbolSpec, seed: number) {
    const startUnits = parseUnits(spec.startPrice);
    if (startUnits === null || startUnits <= 0) {
      throw new RangeError(`${spec.symbol}: startPrice "${spec.startPrice}" is not a positive decimal with <= 8 decimals`);
    }
    const listedDay = parseDay(spec.listedSince ?? DEFAULT_LISTED_SINCE);
    if (listedDay === null) {
      throw new RangeError(`${spec.symbol}: listedSince "${spec.listedSince}" is not a YYYY-MM-DD date`);
    }
    this.symbol = spec.symbol;
    this.baseAsset = spec.baseAsset;
    this.quoteAsset = spec.quoteAsset;
    const magnitude = Math.floor(Math.log10(startUnits / UNITS_PER_WHOLE));
    this.tickUnits = parseSize(spec.tickSize, powerOfTenUnits(magnitude - 6), `${spec.symbol}: tickSize`);
    this.stepUnits = parseSize(spec.stepSize, powerOfTenUnits(Math.min(-magnitude - 1, 0)), `${spec.symbol}: stepSize`);
    this.centreTicks = Math.max(1, Math.round(startUnits / this.tickUnits));
    this.listedDay = listedDay;
    this.seed = seed;
    this.symbolHash = hashString(spec.symbol);
  }

  /** The bid at the start of a day (UTC, days since the epoch), in ticks; the day before ends there. */
  openingTicks(day: number): number {
    const random = createSeededRandom(mixSeed(this.seed, this.symbolHash, ANCHOR_STREAM, day));
    return Math.max(1, Math.round(this.centreTicks * Math.exp(DAILY_LEVEL_SPREAD * normalDraw(random))));
  }

  /** Index since the listing (so also the aggregate trade id) of a day's first trade, at `tradesPerDay`. */
  firstAggIdOfDay(day: number, tradesPerDay: number): number {
    return Math.max(0, day - this.listedDay) * tradesPerDay;
  }
}

function parseSize(text: string | undefined, fallback: number, label: string): number {
  if (text === undefined) {
    return fallback;
  }
  const units = parseUnits(text);
  if (units === null || units <= 0) {
    throw new RangeError(`${label} "${text}" is not a positive decimal with <= 8 decimals`);
  }
  return units;
}
