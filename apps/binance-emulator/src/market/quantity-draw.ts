import { UNITS_PER_WHOLE } from './decimal';
import { normalDraw } from './seeded-random';

/** Median trade worth about this many US dollars; log-normal spread below gives the heavy tail of a real book. */
const MEDIAN_NOTIONAL_USD = 30;
const LOG_SPREAD = 1.9;
/** A larger trade is cut to this (a few show up in a busy day's tape; bigger ones are split by the book anyway). */
const MAX_NOTIONAL_USD = 2_000_000;
/** Share of quantities people type by hand: one significant digit (0.002 BTC, 5000 SHIB). */
const ROUND_SHARE = 0.3;
/** Steps are stored as Uint32 in the history. */
const MAX_STEPS = 0xffff_ffff;

/** Rough dollar value of a quote asset, so that a BTC-quoted pair trades BTC amounts, not dollar amounts. */
const QUOTE_VALUE_USD: Readonly<Record<string, number>> = {
  USDT: 1, USDC: 1, FDUSD: 1, TUSD: 1, BUSD: 1, DAI: 1, EUR: 1.1, TRY: 0.03, BTC: 60_000, ETH: 3_000, BNB: 500,
};

export interface QuantityDrawParams {
  quoteAsset: string;
  /** Reference price (units of 1e-8 quote per base) used to size the largest trade. */
  referencePriceUnits: number;
  stepUnits: number;
  random: () => number;
}

/** Heavy-tailed trade sizes on a symbol's LOT_SIZE step grid, sized by notional so every coin looks alike. */
export class QuantityDraw {
  /** The largest quantity drawn, in steps (the LOT_SIZE maxQty the emulator lists). */
  readonly maxSteps: number;
  private readonly medianNotional: number;
  private readonly stepUnits: number;
  private readonly random: () => number;

  constructor({ quoteAsset, referencePriceUnits, stepUnits, random }: QuantityDrawParams) {
    const quoteUsd = QUOTE_VALUE_USD[quoteAsset] ?? 1;
    this.medianNotional = MEDIAN_NOTIONAL_USD / quoteUsd;
    this.stepUnits = stepUnits;
    this.random = random;
    // At a quarter of the reference price (the bottom of the walk's band) a maximal trade still fits.
    const cheapestStep = this.notionalPerStep(Math.max(1, referencePriceUnits / 4));
    this.maxSteps = Math.max(1, Math.min(MAX_STEPS, Math.floor(MAX_NOTIONAL_USD / quoteUsd / cheapestStep)));
  }

  /** A quantity in steps for a trade at `priceUnits` (units of 1e-8 quote per base). */
  next(priceUnits: number): number {
    const notional = this.medianNotional * Math.exp(LOG_SPREAD * normalDraw(this.random));
    let steps = Math.max(1, Math.round(notional / this.notionalPerStep(priceUnits)));
    if (this.random() < ROUND_SHARE && steps >= 10) {
      const magnitude = 10 ** Math.floor(Math.log10(steps));
      steps = Math.round(steps / magnitude) * magnitude;
    }
    return Math.min(steps, this.maxSteps);
  }

  /** Quote value of one step at a price. */
  private notionalPerStep(priceUnits: number): number {
    return ((priceUnits / UNITS_PER_WHOLE) * this.stepUnits) / UNITS_PER_WHOLE;
  }
}
