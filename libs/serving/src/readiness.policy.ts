import type { StreamedSymbolsHealth, WritePipelineHealth } from '@binance-rates/ingestion';
import { HealthCheckResult, HealthVerdict, isoOf, secondsOf, verdictOf } from './health-verdict';

export type ReadinessCheckName = 'postgres' | 'redis' | 'historyWrites' | 'latestPriceWrites' | 'historyBacklog' | 'binanceRest' | 'streams';

/** A store's answer to a ping: up, refused or failed, or no answer within the probe's bound. */
export type StoreAnswer = 'up' | 'down' | 'timeout';

export interface ReadinessInput {
  postgres: StoreAnswer;
  redis: StoreAnswer;
  /** How long the probe waited for each ping, for the reason of a timeout. */
  pingTimeoutMs: number;
  writes: WritePipelineHealth;
  maxPendingTrades: number;
  restPausedForMs: number;
  streams: StreamedSymbolsHealth;
}

/** Late symbols named in a reason; the rest are counted. */
const NAMED_SYMBOLS = 5;

/**
 * Ready = this instance can serve and keeps what it serves true: both stores answer, writes to them succeed, history
 * is not being shed, and most of the symbols it streams are live. Each short outage shows here, not in liveness.
 */
export function evaluateReadiness(input: ReadinessInput): HealthVerdict<ReadinessCheckName> {
  const { writes } = input;
  return verdictOf({
    postgres: storeCheck('PostgreSQL', input.postgres, input.pingTimeoutMs),
    redis: storeCheck('Redis', input.redis, input.pingTimeoutMs),
    historyWrites:
      writes.historyFailingSince === null && writes.heldBack.since !== null
        ? failingCheck(
            writes.heldBack.since,
            `the history of ${writes.heldBack.symbols} symbols is held back: a gap found in it could not be recorded in PostgreSQL yet`,
          )
        : failingCheck(writes.historyFailingSince, `history writes to PostgreSQL are failing; ${writes.pendingTrades} trades held and retried`),
    latestPriceWrites: failingCheck(writes.latestFailingSince, 'latest-price writes to Redis are failing; the newest prices are held and retried'),
    historyBacklog: failingCheck(
      writes.sheddingSince,
      `the history buffer is full (${writes.pendingTrades} of MAX_PENDING_TRADES ${input.maxPendingTrades}): new trades are shed, recorded as gaps and backfilled later`,
    ),
    binanceRest: restCheck(input.restPausedForMs),
    streams: streamsCheck(input.streams),
  });
}

function storeCheck(store: string, answer: StoreAnswer, pingTimeoutMs: number): HealthCheckResult {
  if (answer === 'up') {
    return { ok: true };
  }
  return { ok: false, reason: answer === 'timeout' ? `${store} did not answer a ping within ${pingTimeoutMs} ms` : `${store} is unreachable (a ping failed)` };
}

function failingCheck(since: number | null, reason: string): HealthCheckResult {
  return since === null ? { ok: true } : { ok: false, reason, since: isoOf(since) };
}

/**
 * A REST pause (a ban or a rate limit) stops the backfill, not the service: live trades still flow and are stored, and
 * reads are answered; the gaps wait and are filled once it ends. Binance bans per IP, so taking this instance out of
 * traffic would not lift it, while every instance behind the same address failing readiness at once would turn a
 * backfill delay into a full outage. So it is a warning.
 */
function restCheck(pausedForMs: number): HealthCheckResult {
  if (pausedForMs <= 0) {
    return { ok: true };
  }
  return { ok: true, warning: `Binance REST paused for ${secondsOf(pausedForMs)} more (a ban or rate limit): gaps wait to be backfilled` };
}

/**
 * Not ready when more than half of the symbols streamed here are not live past their subscribe grace, or none is live
 * while some are late: the instance is cut off from Binance. One refused or stuck stream among many is a warning: the
 * instance still keeps the others true, and restarting or draining it would not fix that symbol.
 */
function streamsCheck({ streamed, live, late }: StreamedSymbolsHealth): HealthCheckResult {
  if (late.length === 0) {
    return { ok: true };
  }
  const since = isoOf(late.reduce((earliest, entry) => Math.min(earliest, entry.since), Infinity));
  const names = late.slice(0, NAMED_SYMBOLS).map((entry) => entry.symbol);
  const more = late.length > NAMED_SYMBOLS ? ` and ${late.length - NAMED_SYMBOLS} more` : '';
  const what = `${late.length} of ${streamed} symbols streamed here not live past their subscribe grace: ${names.join(', ')}${more}`;
  if (late.length * 2 > streamed || live === 0) {
    return { ok: false, reason: what, since };
  }
  return { ok: true, warning: what, since };
}
