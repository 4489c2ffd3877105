import { dayOf } from '@binance-rates/binance';
import type { RangeNeighbours } from '@binance-rates/storage';

/**
 * Gaps at least this long go to the archive instead of REST, by default (BACKFILL_ARCHIVE_MIN_TRADES). REST gives 1,000 trades per request at weight 4 against
 * the instance's budget of 3,000 a minute (REST_WEIGHT_BUDGET_PER_MINUTE), which every live gap shares: a million ids
 * is ~1,000 requests, more than a minute of that whole budget, and a busy symbol's day (1–2 M trades) a few minutes;
 * a week of one, hours. The archive fills the same ids with one download per day (tens of MB) that costs no weight.
 * Below it REST is done in about a minute, while a file holds whole days: a short gap would download a day to store a
 * fraction of it.
 */
export const ARCHIVE_GAP_MIN_TRADES = 1_000_000;

const MS_PER_DAY = 86_400_000;

/** An open gap as the plan sees it: its ids, inclusive, `toId` null while its end is not known. */
export interface ArchivePlanGap {
  fromId: number;
  toId: number | null;
}

export interface ArchiveGapPlanParams {
  gap: ArchivePlanGap;
  /** The times of the stored trades around it (HistoryCoverageRepository.neighbours). */
  neighbours: RangeNeighbours;
  /** BACKFILL_WINDOW_MS: gaps inside it are REST's, which fills them at once. */
  windowMs: number;
  /** BACKFILL_ARCHIVE_MIN_TRADES: shorter gaps are REST's. */
  minTrades: number;
  now: number;
}

/**
 * Who fills a due gap:
 * - `archive`: UTC days `fromDay`..`toDay` (days since the epoch) hold every id of it: the days of the stored trades
 *   around it, which bound its trades in time; both published (before yesterday, UTC: Binance publishes a day's file
 *   the day after, at a time it does not state, so yesterday's may not be there yet);
 * - `wait`: it is the archive's but its last day is not published yet: it waits until `until` (epoch ms, the start of
 *   the UTC day after next), as REST would need hours for it anyway;
 * - `rest`: short, inside the backfill window, its end not known, or no stored trade on one side to date it by.
 */
export type ArchiveGapPlan = { kind: 'archive'; fromDay: number; toDay: number } | { kind: 'wait'; until: number } | { kind: 'rest' };

export function planArchiveGapFill({ gap, neighbours, windowMs, minTrades, now }: ArchiveGapPlanParams): ArchiveGapPlan {
  const { belowTime, aboveTime } = neighbours;
  if (gap.toId === null || gap.toId - gap.fromId + 1 < minTrades || belowTime === null || aboveTime === null) {
    return { kind: 'rest' };
  }
  if (aboveTime >= now - windowMs) {
    return { kind: 'rest' };
  }
  const toDay = dayOf(aboveTime);
  const lastPublished = dayOf(now) - 2;
  if (toDay > lastPublished) {
    return { kind: 'wait', until: (toDay + 2) * MS_PER_DAY };
  }
  return { kind: 'archive', fromDay: dayOf(belowTime), toDay };
}
