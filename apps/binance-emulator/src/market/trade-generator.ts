import { FillCursor } from './fill-layout';
import { PriceWalk } from './price-walk';
import { QuantityDraw } from './quantity-draw';
import type { SymbolListing } from './symbol-listing';
import { TradeClock } from './trade-clock';
import type { NewStoredAggTrade } from './trade-history';

/** One generated aggregate trade, before it gets a time: `gap` says how long after the previous one it happens. */
export interface GeneratedTrade extends Omit<NewStoredAggTrade, 'tradeTime'> {
  /** Time since the previous trade in mean trade gaps (average 1); 0 for a trade in the same burst. */
  gap: number;
}

export interface TradeGeneratorParams {
  listing: SymbolListing;
  /** Draws prices, sides and quantities. */
  random: () => number;
  /** Draws the bursts and pauses: a stream of its own, so a scheduler can look one trade ahead. */
  clockRandom: () => number;
  startTicks: number;
  /** Index since the listing (the aggregate id) of the first trade: fixes its raw trade ids. */
  firstAggId: number;
}

/**
 * The market of one symbol as a sequence of aggregate trades, shared by the live market and the archive: bursts and
 * pauses from the clock, a bid/ask walk on the tick grid (a burst is either several takers at the same instant or
 * one taker sweeping levels: same side, one tick further each), heavy-tailed quantities on the step grid and raw
 * trade ids from the fill layout.
 */
export class TradeGenerator {
  readonly walk: PriceWalk;
  readonly quantities: QuantityDraw;
  private readonly listing: SymbolListing;
  private readonly random: () => number;
  private readonly clock: TradeClock;
  private readonly fills: FillCursor;
  private lastIsBuyerMaker = false;

  constructor({ listing, random, clockRandom, startTicks, firstAggId }: TradeGeneratorParams) {
    this.listing = listing;
    this.random = random;
    this.clock = new TradeClock(clockRandom);
    this.walk = new PriceWalk({ startTicks, centreTicks: listing.centreTicks, random });
    this.quantities = new QuantityDraw({
      quoteAsset: listing.quoteAsset,
      referencePriceUnits: listing.centreTicks * listing.tickUnits,
      stepUnits: listing.stepUnits,
      random,
    });
    this.fills = new FillCursor({ seed: listing.seed, symbolHash: listing.symbolHash }, firstAggId);
  }

  /** The gap the next trade will come after (see `GeneratedTrade.gap`). */
  get upcomingGap(): number {
    return this.clock.next.gap;
  }

  next(): GeneratedTrade {
    const { gap, inBurst } = this.clock.advance();
    const sweep = inBurst && this.random() < this.walk.sweepShare;
    const isBuyerMaker = sweep ? this.lastIsBuyerMaker : this.random() < 0.5;
    this.lastIsBuyerMaker = isBuyerMaker;
    const priceTicks = this.walk.next({ isBuyerMaker, sweep });
    const quantitySteps = this.quantities.next(priceTicks * this.listing.tickUnits);
    const { firstTradeId, tradeCount } = this.fills.take();
    return { gap, priceTicks, quantitySteps, firstTradeId, tradeCount, isBuyerMaker };
  }
}
