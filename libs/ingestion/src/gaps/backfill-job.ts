import { IdRange } from '@binance-rates/domain';

/**
 * What the backfill fills, one kind per way a hole in the history becomes known:
 * - `range`: found now (a jump in the live stream, trades shed under load, a catch-up after a resume); it is
 *   recorded in `trade_gap` as it is queued. `toId` null means "until caught up with the present".
 * - `gap`: recorded earlier (by this or a dead instance) and due a retry.
 * - `since-added`: a new symbol's trades from the moment it was added up to `toId`, known by time until the first
 *   page gives them ids; once stored, the symbol is marked filled since its addition.
 */
export type BackfillJob =
  | { kind: 'range'; symbol: string; fromId: number; toId: number | null; reason: string }
  | { kind: 'gap'; gapId: number; symbol: string; fromId: number; toId: number | null; reason: string }
  | { kind: 'since-added'; symbol: string; fromTime: number; addedAt: number; toId: number; reason: string };

/**
 * A queued job and how far it got: `recorded` settles once its range has a gap row (or recording it failed),
 * `gapId` is that row, `accepted` the id range its pages handed to the write pipeline so far. The wait for REST to
 * reach the target counts from `queuedAt` (epoch ms): the trades it waits for happened before, so a fill that queued
 * behind others has been waiting already.
 */
export interface QueuedFill {
  readonly job: BackfillJob;
  readonly queuedAt: number;
  recorded?: Promise<void>;
  gapId?: number;
  accepted?: IdRange;
}

/** A range still to fill, with ids: what a gap row holds. */
export interface UnfilledRange {
  symbol: string;
  fromId: number;
  toId: number | null;
  reason: string;
  gapId?: number;
}
