import type { LoopProgress } from '@binance-rates/domain';
import type { IngestionLoopsProgress } from '@binance-rates/ingestion';
import { HealthCheckResult, HealthVerdict, isoOf, secondsOf, verdictOf } from './health-verdict';

/**
 * A loop is hung when it has owed a step for longer than this many of its normal steps, and never before
 * LIVENESS_FLOOR_MS: a store that stalls instead of refusing (a partition) holds a write or a round until its client
 * gives up or the link returns, and an outage of that length is one the service rides out, not one a restart cures.
 */
export const LIVENESS_STEP_FACTOR = 3;
export const LIVENESS_FLOOR_MS = 30_000;
/**
 * The event loop is hung when a callback waited longer than this for it. Garbage collection and a busy second keep
 * the delay in the tens of milliseconds even at 100k trades/s; seconds mean the process is stuck in synchronous work.
 */
export const EVENT_LOOP_DELAY_LIMIT_MS = 3_000;

export type LivenessCheckName = 'eventLoop' | 'ownershipRound' | 'trackedListRefresh' | 'historyWrites' | 'latestPriceFlush' | 'backfillPage';

export interface LivenessInput {
  now: number;
  loops: IngestionLoopsProgress;
  /** The longest the event loop made a callback wait, over a window that began at `since`. */
  eventLoopDelay: { maxMs: number; since: number };
}

/** What a loop owes, in words: "no <step> ended for …". */
const STEP_OF: Record<Exclude<LivenessCheckName, 'eventLoop'>, string> = {
  ownershipRound: 'ownership round',
  trackedListRefresh: 'tracked-list refresh',
  historyWrites: 'history write to PostgreSQL',
  latestPriceFlush: 'latest-price write to Redis',
  backfillPage: 'backfill REST page',
};

/**
 * Live = the process works: every loop ends its steps (a failed step counts: the loops fail fast and retry while a
 * store is down) and the event loop turns. Not live = one of them is stuck, and a restart is the cure.
 */
export function evaluateLiveness({ now, loops, eventLoopDelay }: LivenessInput): HealthVerdict<LivenessCheckName> {
  return verdictOf({
    eventLoop: eventLoopCheck(eventLoopDelay),
    ownershipRound: loopCheck(now, loops.ownershipRound, STEP_OF.ownershipRound),
    trackedListRefresh: loopCheck(now, loops.trackedListRefresh, STEP_OF.trackedListRefresh),
    historyWrites: lanesCheck(now, loops.historyWrites),
    latestPriceFlush: loopCheck(now, loops.latestPriceFlush, STEP_OF.latestPriceFlush),
    backfillPage: loopCheck(now, loops.backfillPage, STEP_OF.backfillPage),
  });
}

/** How long a loop may owe a step before it counts as hung. */
export function hungAfterMs(progress: LoopProgress): number {
  return Math.max(LIVENESS_FLOOR_MS, LIVENESS_STEP_FACTOR * progress.stepWithinMs);
}

function loopCheck(now: number, progress: LoopProgress, step: string): HealthCheckResult {
  const { waitingSince } = progress;
  if (waitingSince === null) {
    return { ok: true };
  }
  const owedMs = now - waitingSince;
  const limitMs = hungAfterMs(progress);
  if (owedMs <= limitMs) {
    return { ok: true };
  }
  return { ok: false, reason: `no ${step} ended for ${secondsOf(owedMs)} (hung after ${secondsOf(limitMs)})`, since: isoOf(waitingSince) };
}

/** The lanes write apart: the one owing a write the longest speaks for all, named by its number. */
function lanesCheck(now: number, lanes: readonly LoopProgress[]): HealthCheckResult {
  let worst: HealthCheckResult = { ok: true };
  let worstSince = Infinity;
  lanes.forEach((lane, index) => {
    const check = loopCheck(now, lane, `${STEP_OF.historyWrites} (lane ${index + 1} of ${lanes.length})`);
    if (!check.ok && (lane.waitingSince as number) < worstSince) {
      worst = check;
      worstSince = lane.waitingSince as number;
    }
  });
  return worst;
}

function eventLoopCheck({ maxMs, since }: LivenessInput['eventLoopDelay']): HealthCheckResult {
  if (maxMs <= EVENT_LOOP_DELAY_LIMIT_MS) {
    return { ok: true };
  }
  return {
    ok: false,
    reason: `the event loop was blocked for up to ${Math.round(maxMs)} ms (limit ${EVENT_LOOP_DELAY_LIMIT_MS} ms)`,
    since: isoOf(since),
  };
}
