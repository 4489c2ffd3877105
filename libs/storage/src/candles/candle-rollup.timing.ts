/**
 * How the rollup job and the history writes agree on which coarse candles are current, without a marker per write.
 *
 * A write into a minute that opened more than LATE_WRITE_AFTER_MS before its transaction began (a backfill, trades
 * held through an outage) marks the minute's day in candle_rollup_pending, and the job rolls that day up again. Any
 * other write lands at most LATE_WRITE_AFTER_MS plus its transaction's length before the time it commits, so a job
 * run that re-rolls every minute from ROLLUP_LOOKBACK_MS before the previous run began sees it, provided no history
 * transaction lasts longer than ROLLUP_LOOKBACK_MS − LATE_WRITE_AFTER_MS (8 minutes; the service gives up any call
 * after DATABASE_CALL_TIMEOUT_MS, 15 s by default). Reads trust a coarse candle only once it closed before the last
 * run's start minus ROLLUP_LOOKBACK_MS, and take anything newer from candle_1m.
 */
export const LATE_WRITE_AFTER_MS = 2 * 60_000;
export const ROLLUP_LOOKBACK_MS = 10 * 60_000;
