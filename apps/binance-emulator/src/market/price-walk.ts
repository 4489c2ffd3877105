/** Prices move in whole ticks and are stored as Uint32 tick counts in the history, hence the upper bound. */
const MAX_TICKS = 0xffff_ffff - 1;
/** Standard deviation of the price's relative move per trade (1.5M trades a day → about 1.8% a day). */
const RELATIVE_MOVE_PER_TRADE = 0.000015;
/** Share of independent trades that find the book moved; the rest trade at the same bid or ask. */
const MOVE_SHARE = 0.3;
/** The walk reflects off [centre / BAND, centre * BAND] so long runs keep realistic prices. */
const BAND = 4;

export interface PriceWalkParams {
  /** Where the bid starts, in ticks. */
  startTicks: number;
  /** Centre of the band the walk stays in (the listing's reference price), in ticks. */
  centreTicks: number;
  random: () => number;
}

export interface PriceStep {
  /** The taker sold (hit the bid): the trade is at the bid; otherwise at the ask, one tick above. */
  isBuyerMaker: boolean;
  /** The same taker order goes on into the next price level (a sweep), in the direction it trades. */
  sweep: boolean;
}

/**
 * A seeded walk of the best bid on a symbol's tick grid; the ask is one tick above, so consecutive trades bounce
 * between the two as takers buy and sell. Moves are rare and heavy-tailed, scaled to the price in ticks: a coin
 * whose price is millions of ticks (BTC at 0.01) moves tens of ticks at a time, one whose price is a few hundred
 * ticks (a SHIB-like coin at 1e-8) stays on the same two prices for long stretches.
 */
export class PriceWalk {
  private bid: number;
  private readonly minTicks: number;
  private readonly maxTicks: number;
  private readonly random: () => number;

  constructor({ startTicks, centreTicks, random }: PriceWalkParams) {
    this.minTicks = Math.max(1, Math.floor(centreTicks / BAND));
    this.maxTicks = Math.max(this.minTicks + 2, Math.min(MAX_TICKS, Math.round(centreTicks * BAND)));
    this.bid = this.clamp(Math.round(startTicks));
    this.random = random;
  }

  /** The best bid, in ticks. */
  get current(): number {
    return this.bid;
  }

  /** Probability that a burst's next trade is the same taker sweeping on: likelier where levels are thin in ticks. */
  get sweepShare(): number {
    return Math.min(0.8, Math.max(0.05, this.moveScale()));
  }

  /** The price of the next trade, in ticks. */
  next({ isBuyerMaker, sweep }: PriceStep): number {
    if (sweep) {
      this.bid = this.reflect(this.bid + (isBuyerMaker ? -1 : 1));
    } else {
      const scale = this.moveScale();
      const variance = scale * scale;
      if (variance < MOVE_SHARE) {
        if (this.random() < variance) {
          this.bid = this.reflect(this.bid + (this.random() < 0.5 ? -1 : 1));
        }
      } else if (this.random() < MOVE_SHARE) {
        // Pareto(α = 3) − 1 has E[X²] = 1, so the jump's mean square is about variance / MOVE_SHARE.
        const heavy = (1 - this.random()) ** (-1 / 3) - 1;
        const size = 1 + Math.floor(Math.sqrt(variance / MOVE_SHARE) * heavy);
        this.bid = this.reflect(this.bid + (this.random() < 0.5 ? -size : size));
      }
    }
    return isBuyerMaker ? this.bid : this.bid + 1;
  }

  /**
   * Pulls the bid towards `targetTicks`, to be reached after `tradesLeft` more trades (a Brownian bridge: the day's
   * walk ends at the next day's opening price). Rounded at random so the pull is exact on average.
   */
  steer(targetTicks: number, tradesLeft: number): void {
    const pull = (targetTicks - this.bid) / Math.max(1, tradesLeft);
    const whole = Math.floor(pull);
    this.bid = this.reflect(this.bid + whole + (this.random() < pull - whole ? 1 : 0));
  }

  /** Standard deviation of one trade's move, in ticks. */
  private moveScale(): number {
    return this.bid * RELATIVE_MOVE_PER_TRADE;
  }

  private reflect(ticks: number): number {
    if (ticks < this.minTicks) {
      return this.clamp(2 * this.minTicks - ticks);
    }
    if (ticks > this.maxTicks) {
      return this.clamp(2 * this.maxTicks - ticks);
    }
    return ticks;
  }

  private clamp(ticks: number): number {
    return Math.min(Math.max(ticks, this.minTicks), this.maxTicks);
  }
}
