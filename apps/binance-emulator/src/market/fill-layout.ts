import { createSeededRandom, mixSeed } from './seeded-random';

/**
 * How many raw trades (fills) each aggregate trade holds, and so its first and last trade ids, as a pure function of
 * the aggregate's index since the symbol's listing. Raw ids run on without a hole across aggregates, days and the
 * archive → live boundary, and any aggregate's ids are found without generating the ones before it: every block of
 * BLOCK_SIZE aggregates holds exactly FILLS_PER_BLOCK fills, spread over the block by a Pólya urn (a fill goes to an
 * aggregate with a weight growing with the fills it already has), which gives Binance's shape: most aggregates one
 * fill, some two or three, a few large takers with dozens.
 */
export const BLOCK_SIZE = 100;
export const FILLS_PER_BLOCK = 160;
/** Lower: extra fills crowd into fewer aggregates (heavier tail). */
const URN_PRIOR = 0.3;
const FILL_STREAM = 0x46494c4c;

export interface FillLayoutParams {
  seed: number;
  symbolHash: number;
}

/** Walks the aggregates in order from any index, one block of fill counts held at a time. */
export class FillCursor {
  private readonly counts = new Uint8Array(BLOCK_SIZE);
  private block = -1;
  private slot = 0;
  private nextTradeId = 0;

  constructor(
    private readonly params: FillLayoutParams,
    aggIndex: number,
  ) {
    this.seek(aggIndex);
  }

  /** Fills of the current aggregate and its first raw trade id; then moves to the next aggregate. */
  take(): { firstTradeId: number; tradeCount: number } {
    const tradeCount = this.counts[this.slot];
    const firstTradeId = this.nextTradeId;
    this.nextTradeId += tradeCount;
    this.slot++;
    if (this.slot === BLOCK_SIZE) {
      this.load(this.block + 1);
    }
    return { firstTradeId, tradeCount };
  }

  private seek(aggIndex: number): void {
    this.load(Math.floor(aggIndex / BLOCK_SIZE));
    const slot = aggIndex - this.block * BLOCK_SIZE;
    for (let i = 0; i < slot; i++) {
      this.nextTradeId += this.counts[i];
    }
    this.slot = slot;
  }

  private load(block: number): void {
    this.block = block;
    this.slot = 0;
    this.nextTradeId = block * FILLS_PER_BLOCK;
    fillCounts(mixSeed(this.params.seed, this.params.symbolHash, FILL_STREAM, block), this.counts);
  }
}

/** One fill per aggregate, then FILLS_PER_BLOCK − BLOCK_SIZE more dealt by the urn. */
function fillCounts(seed: number, counts: Uint8Array): void {
  const random = createSeededRandom(seed);
  counts.fill(1);
  let extrasDealt = 0;
  for (let fill = 0; fill < FILLS_PER_BLOCK - BLOCK_SIZE; fill++) {
    // Weight of aggregate i: (counts[i] - 1) + URN_PRIOR; total = extrasDealt + BLOCK_SIZE * URN_PRIOR.
    let target = random() * (extrasDealt + BLOCK_SIZE * URN_PRIOR);
    let i = 0;
    while (i < BLOCK_SIZE - 1) {
      target -= counts[i] - 1 + URN_PRIOR;
      if (target < 0) {
        break;
      }
      i++;
    }
    counts[i]++;
    extrasDealt++;
  }
}
