import { formatUnits, parseUnits, powerOfTenUnits } from './decimal';
import type { AggTradeRecord, MarketSymbolSpec, SymbolStatus } from './market.types';
import { PriceWalk } from './price-walk';
import { createSeededRandom, hashString } from './seeded-random';
import { StoredAggTrade, TradeHistory } from './trade-history';

/** Orders worth up to about this many quote units, skewed towards small ones as on a real book. */
const MAX_NOTIONAL_UNITS = 2_000 * 100_000_000;
const MAX_QUANTITY_STEPS = 1_000_000;

export interface SymbolMarketParams {
  spec: MarketSymbolSpec;
  seed: number;
  tradesPerSecond: number;
  historyLimit: number;
}

/** One symbol's listing, price process and trade history. */
export class SymbolMarket {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly tickUnits: number;
  readonly stepUnits: number;
  readonly history: TradeHistory;
  /** Stream names are pre-built so dispatch does no string work when nobody listens. */
  readonly aggTradeStream: string;
  readonly tradeStream: string;
  status: SymbolStatus;
  tradesPerSecond: number;
  /** Fractional trades carried between ticks so low rates stay exact on average. */
  pendingTrades = 0;
  generatedCount = 0;
  sentCount = 0;
  private readonly walk: PriceWalk;
  private readonly random: () => number;
  private readonly maxQuantitySteps: number;
  private nextTradeId: number;
  private lastTradeTime = 0;

  constructor({ spec, seed, tradesPerSecond, historyLimit }: SymbolMarketParams) {
    const startUnits = parseUnits(spec.startPrice);
    if (startUnits === null || startUnits <= 0) {
      throw new RangeError(`${spec.symbol}: startPrice "${spec.startPrice}" is not a positive decimal with <= 8 decimals`);
    }
    this.symbol = spec.symbol;
    this.baseAsset = spec.baseAsset;
    this.quoteAsset = spec.quoteAsset;
    this.status = spec.status;
    this.tradesPerSecond = tradesPerSecond;
    const magnitude = Math.floor(Math.log10(startUnits / 100_000_000));
    this.tickUnits = parseSize(spec.tickSize, powerOfTenUnits(magnitude - 6), `${spec.symbol}: tickSize`);
    this.stepUnits = parseSize(spec.stepSize, powerOfTenUnits(Math.min(-magnitude - 1, 0)), `${spec.symbol}: stepSize`);
    const symbolHash = hashString(spec.symbol);
    this.random = createSeededRandom(seed ^ symbolHash);
    this.walk = new PriceWalk({ startTicks: startUnits / this.tickUnits, random: this.random });
    const notionalPerStep = (startUnits / 100_000_000) * this.stepUnits;
    this.maxQuantitySteps = Math.min(MAX_QUANTITY_STEPS, Math.max(10, Math.floor(MAX_NOTIONAL_UNITS / notionalPerStep)));
    this.history = new TradeHistory({ firstAggTradeId: 1_000_000 + (symbolHash % 9_000_000), limit: historyLimit });
    this.nextTradeId = 5_000_000 + (symbolHash % 50_000_000);
    const lower = spec.symbol.toLowerCase();
    this.aggTradeStream = `${lower}@aggTrade`;
    this.tradeStream = `${lower}@trade`;
  }

  get lastPriceTicks(): number {
    return this.walk.current;
  }

  /** Generates the next aggregate trade, stores it and returns it. Trade time never goes backwards. */
  nextTrade(now: number): StoredAggTrade {
    const tradeCount = 1 + Math.floor(this.random() * 3);
    const skew = this.random();
    const trade: StoredAggTrade = {
      aggTradeId: 0,
      tradeTime: now > this.lastTradeTime ? now : this.lastTradeTime,
      priceTicks: this.walk.next(),
      quantitySteps: Math.max(tradeCount, 1 + Math.floor(skew * skew * skew * this.maxQuantitySteps)),
      firstTradeId: this.nextTradeId,
      tradeCount,
      isBuyerMaker: this.random() < 0.5,
    };
    this.lastTradeTime = trade.tradeTime;
    this.nextTradeId += tradeCount;
    trade.aggTradeId = this.history.append(trade);
    this.generatedCount++;
    return trade;
  }

  formatPrice(ticks: number): string {
    return formatUnits(ticks * this.tickUnits);
  }

  formatQuantity(steps: number): string {
    return formatUnits(steps * this.stepUnits);
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
