/**
 * When trades happen, in units of the mean time between trades (so any rate can be applied to it): trades come in
 * bursts that share one instant, a taker order sweeping levels or several takers hitting the book in the same
 * millisecond, as in Binance's aggTrades; bursts are separated by irregular pauses, mostly short, sometimes long.
 *
 * Pauses are bounded (about 5.5 mean trade gaps) on purpose: tests and benchmarks wait for "the next trade" of a
 * symbol, and a real market's minute-long lulls would make those waits unbounded.
 */

/** A burst goes on with this probability after each trade, up to MAX_BURST trades. */
const BURST_CONTINUES = 0.4;
const MAX_BURST = 10;
/** Pauses: most are short, some long (hyperexponential), capped at PAUSE_CAP before normalising. */
const SHORT_PAUSE_SHARE = 0.7;
const SHORT_PAUSE_MEAN = 0.35;
const LONG_PAUSE_MEAN = 2.2;
const PAUSE_CAP = 2.2;

/** Mean burst size: Σ_{k<MAX_BURST} BURST_CONTINUES^k. */
export const MEAN_BURST_SIZE = (1 - BURST_CONTINUES ** MAX_BURST) / (1 - BURST_CONTINUES);

/** E[min(X, PAUSE_CAP)] of the hyperexponential X, so pauses can be scaled to a mean of exactly one burst. */
const MEAN_CAPPED_PAUSE =
  SHORT_PAUSE_SHARE * SHORT_PAUSE_MEAN * (1 - Math.exp(-PAUSE_CAP / SHORT_PAUSE_MEAN)) +
  (1 - SHORT_PAUSE_SHARE) * LONG_PAUSE_MEAN * (1 - Math.exp(-PAUSE_CAP / LONG_PAUSE_MEAN));

/** The longest pause the clock draws, in mean trade gaps. */
export const MAX_PAUSE = (PAUSE_CAP / MEAN_CAPPED_PAUSE) * MEAN_BURST_SIZE;

export interface ClockStep {
  /** Time since the previous trade, in mean trade gaps (the average over many steps is 1); 0 inside a burst. */
  gap: number;
  /** The trade belongs to the same burst as the previous one (same instant). */
  inBurst: boolean;
}

/** A seeded sequence of clock steps with one step of lookahead, so a scheduler can know when the next trade is due. */
export class TradeClock {
  private readonly random: () => number;
  private burstLeft = 0;
  private upcoming: ClockStep;

  constructor(random: () => number) {
    this.random = random;
    this.upcoming = this.draw();
  }

  /** The step the next trade will take. */
  get next(): ClockStep {
    return this.upcoming;
  }

  /** Takes the next step and draws the one after it. */
  advance(): ClockStep {
    const step = this.upcoming;
    this.upcoming = this.draw();
    return step;
  }

  private draw(): ClockStep {
    if (this.burstLeft > 0) {
      this.burstLeft--;
      return { gap: 0, inBurst: true };
    }
    let extra = 0;
    while (extra < MAX_BURST - 1 && this.random() < BURST_CONTINUES) {
      extra++;
    }
    this.burstLeft = extra;
    const mean = this.random() < SHORT_PAUSE_SHARE ? SHORT_PAUSE_MEAN : LONG_PAUSE_MEAN;
    const pause = Math.min(-mean * Math.log(1 - this.random()), PAUSE_CAP);
    return { gap: (pause / MEAN_CAPPED_PAUSE) * MEAN_BURST_SIZE, inBurst: false };
  }
}
