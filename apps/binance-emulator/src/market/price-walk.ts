/** Prices move in whole ticks and are stored as Uint32 tick counts in the history, hence the upper bound. */
const MAX_TICKS = 0xffff_ffff;
/** Each trade moves the price by at most this fraction of itself (in ticks, at least one tick). */
const STEP_FRACTION = 0.00002;
/** The walk reflects off [start / BAND, start * BAND] so long benchmark runs keep realistic prices. */
const BAND = 4;

export interface PriceWalkParams {
  startTicks: number;
  random: () => number;
}

/** A seeded random walk on a symbol's tick grid. */
export class PriceWalk {
  private ticks: number;
  private readonly minTicks: number;
  private readonly maxTicks: number;
  private readonly random: () => number;

  constructor({ startTicks, random }: PriceWalkParams) {
    this.ticks = Math.max(1, Math.round(startTicks));
    this.minTicks = Math.max(1, Math.floor(this.ticks / BAND));
    this.maxTicks = Math.min(MAX_TICKS, this.ticks * BAND);
    this.random = random;
  }

  get current(): number {
    return this.ticks;
  }

  next(): number {
    const maxStep = Math.max(1, Math.round(this.ticks * STEP_FRACTION));
    const step = Math.floor(this.random() * (2 * maxStep + 1)) - maxStep;
    let ticks = this.ticks + step;
    if (ticks < this.minTicks) {
      ticks = 2 * this.minTicks - ticks;
    } else if (ticks > this.maxTicks) {
      ticks = 2 * this.maxTicks - ticks;
    }
    this.ticks = Math.min(Math.max(ticks, this.minTicks), this.maxTicks);
    return this.ticks;
  }
}
