import { formatMultiple } from './decimal';
import type { AggTradeRecord, MarketSymbolSpec, SymbolStatus } from './market.types';
import { createSeededRandom, mixSeed } from './seeded-random';
import { SymbolListing } from './symbol-listing';
import { TradeGenerator } from './trade-generator';
import { StoredAggTrade, TradeHistory } from './trade-history';

const LIVE_CLOCK_STREAM = 0x4c434c4b;

export interface SymbolMarketParams {
  spec: MarketSymbolSpec;
  seed: number;
  tradesPerSecond: number;
  historyLimit: number;
  /** The UTC day (days since the epoch) the market starts: live ids continue the archive, which ends before it. */
  startDay: number;
  /** Aggregate trades per archived day: fixes the id the live market starts at. */
  archiveTradesPerDay: number;
}

/** One symbol's listing, live price process and trade history. */
export class SymbolMarket {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly tickUnits: number;
  readonly stepUnits: number;
  readonly listing: SymbolListing;
  readonly history: TradeHistory;
  /** Stream names are pre-built so dispatch does no string work when nobody listens. */
  readonly aggTradeStream: string;
  readonly tradeStream: string;
  status: SymbolStatus;
  tradesPerSecond: number;
  /** Epoch ms at which the next scheduled trade is due (Infinity while the rate is 0). */
  nextDueAt = Number.POSITIVE_INFINITY;
  generatedCount = 0;
  sentCount = 0;
  private readonly generator: TradeGenerator;
  private lastTradeTime = 0;
  private lastTicks: number;

  constructor({ spec, seed, tradesPerSecond, historyLimit, startDay, archiveTradesPerDay }: SymbolMarketParams) {
    this.listing = new SymbolListing(spec, seed);
    this.symbol = spec.symbol;
    this.baseAsset = spec.baseAsset;
    this.quoteAsset = spec.quoteAsset;
    this.tickUnits = this.listing.tickUnits;
    this.stepUnits = this.listing.stepUnits;
    this.status = spec.status;
    this.tradesPerSecond = tradesPerSecond;
    const firstAggId = this.listing.firstAggIdOfDay(startDay, archiveTradesPerDay);
    this.generator = new TradeGenerator({
      listing: this.listing,
      random: createSeededRandom(seed ^ this.listing.symbolHash),
      clockRandom: createSeededRandom(mixSeed(seed, this.listing.symbolHash, LIVE_CLOCK_STREAM)),
      startTicks: this.listing.openingTicks(startDay),
      firstAggId,
    });
    this.lastTicks = this.generator.walk.current;
    this.history = new TradeHistory({ firstAggTradeId: firstAggId, limit: historyLimit });
    const lower = spec.symbol.toLowerCase();
    this.aggTradeStream = `${lower}@aggTrade`;
    this.tradeStream = `${lower}@trade`;
  }

  /** Price of the newest trade (before the first one: the opening bid), in ticks: what `ticker/price` shows. */
  get lastPriceTicks(): number {
    return this.lastTicks;
  }

  /** The largest quantity the market draws, in steps (its LOT_SIZE maxQty). */
  get maxQuantitySteps(): number {
    return this.generator.quantities.maxSteps;
  }

  /** Schedules the next trade from `now` at the current rate (after a rate change or at start). */
  reschedule(now: number): void {
    this.nextDueAt = this.tradesPerSecond > 0 ? now + this.upcomingGapMs() : Number.POSITIVE_INFINITY;
  }

  /** Generates the next aggregate trade, stores it and returns it. Trade time never goes backwards. */
  nextTrade(now: number): StoredAggTrade {
    const generated = this.generator.next();
    const trade: StoredAggTrade = {
      aggTradeId: 0,
      tradeTime: now > this.lastTradeTime ? now : this.lastTradeTime,
      priceTicks: generated.priceTicks,
      quantitySteps: generated.quantitySteps,
      firstTradeId: generated.firstTradeId,
      tradeCount: generated.tradeCount,
      isBuyerMaker: generated.isBuyerMaker,
    };
    this.lastTradeTime = trade.tradeTime;
    this.lastTicks = trade.priceTicks;
    trade.aggTradeId = this.history.append(trade);
    this.generatedCount++;
    return trade;
  }

  /** Time from the trade just generated to the next one at the current rate (0 inside a burst). */
  upcomingGapMs(): number {
    return (this.generator.upcomingGap * 1000) / this.tradesPerSecond;
  }

  formatPrice(ticks: number): string {
    return formatMultiple(ticks, this.tickUnits);
  }

  formatQuantity(steps: number): string {
    return formatMultiple(steps, this.stepUnits);
  }

  toRecord(trade: StoredAggTrade): AggTradeRecord {
    return {
      symbol: this.symbol,
      aggTradeId: trade.aggTradeId,
      price: this.formatPrice(trade.priceTicks),
      quantity: this.formatQuantity(trade.quantitySteps),
      firstTradeId: trade.firstTradeId,
      lastTradeId: trade.firstTradeId + trade.tradeCount - 1,
      tradeTime: trade.tradeTime,
      isBuyerMaker: trade.isBuyerMaker,
    };
  }
}
