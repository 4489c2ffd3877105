import type { StreamedSymbolsHealth, WritePipelineHealth } from '@binance-rates/ingestion';
import { ReadinessInput, evaluateReadiness } from './readiness.policy';

const NOW = Date.parse('2026-01-01T00:10:00.000Z');

const writesHealthy: WritePipelineHealth = {
  historyFailingSince: null,
  latestFailingSince: null,
  sheddingSince: null,
  heldBack: { since: null, symbols: 0 },
  pendingTrades: 12,
};

function streams(streamed: number, lateSymbols: string[], since = NOW - 20_000): StreamedSymbolsHealth {
  return { streamed, live: streamed - lateSymbols.length, late: lateSymbols.map((symbol) => ({ symbol, since })) };
}

function input(overrides: Partial<ReadinessInput> = {}): ReadinessInput {
  return {
    postgres: 'up',
    redis: 'up',
    pingTimeoutMs: 2_000,
    writes: writesHealthy,
    maxPendingTrades: 500_000,
    restPausedForMs: 0,
    streams: streams(6, []),
    ...overrides,
  };
}

describe('evaluateReadiness', () => {
  it('is ready when the stores answer, writes succeed, nothing is shed and the streams are live', () => {
    const verdict = evaluateReadiness(input());
    expect(verdict.ok).toBe(true);
    expect(Object.keys(verdict.checks)).toEqual(['postgres', 'redis', 'historyWrites', 'latestPriceWrites', 'historyBacklog', 'binanceRest', 'streams']);
  });

  it('is not ready during a short PostgreSQL outage, naming the store and since when its writes fail', () => {
    const since = NOW - 3_000;
    const verdict = evaluateReadiness(input({ postgres: 'down', writes: { ...writesHealthy, historyFailingSince: since, pendingTrades: 40_000 } }));
    expect(verdict.ok).toBe(false);
    expect(verdict.checks.postgres).toEqual({ ok: false, reason: 'PostgreSQL is unreachable (a ping failed)' });
    expect(verdict.checks.historyWrites).toEqual({
      ok: false,
      reason: 'history writes to PostgreSQL are failing; 40000 trades held and retried',
      since: new Date(since).toISOString(),
    });
    expect(verdict.checks.redis.ok).toBe(true);
  });

  it('is not ready while history writes fail even when a ping gets through', () => {
    const verdict = evaluateReadiness(input({ writes: { ...writesHealthy, historyFailingSince: NOW - 1_000 } }));
    expect(verdict.ok).toBe(false);
    expect(verdict.checks.postgres.ok).toBe(true);
    expect(verdict.checks.historyWrites.ok).toBe(false);
  });

  it('says a store that did not answer in time timed out', () => {
    const verdict = evaluateReadiness(input({ redis: 'timeout' }));
    expect(verdict.checks.redis).toEqual({ ok: false, reason: 'Redis did not answer a ping within 2000 ms' });
  });

  it('is not ready while latest-price writes to Redis fail', () => {
    const verdict = evaluateReadiness(input({ writes: { ...writesHealthy, latestFailingSince: NOW - 500 } }));
    expect(verdict.ok).toBe(false);
    expect(verdict.checks.latestPriceWrites.reason).toMatch(/latest-price writes to Redis are failing/);
  });

  it('is not ready while trades are shed', () => {
    const verdict = evaluateReadiness(input({ writes: { ...writesHealthy, sheddingSince: NOW - 2_000, pendingTrades: 500_000 } }));
    expect(verdict.ok).toBe(false);
    expect(verdict.checks.historyBacklog.reason).toBe(
      'the history buffer is full (500000 of MAX_PENDING_TRADES 500000): new trades are shed, recorded as gaps and backfilled later',
    );
  });

  it('stays ready while Binance has banned REST, with a warning: reads and live trades go on, only the backfill waits', () => {
    const verdict = evaluateReadiness(input({ restPausedForMs: 118_000 }));
    expect(verdict.ok).toBe(true);
    expect(verdict.checks.binanceRest).toEqual({
      ok: true,
      warning: 'Binance REST paused for 118 s more (a ban or rate limit): gaps wait to be backfilled',
    });
  });

  it('stays ready with a warning naming the one refused stream among many', () => {
    const since = NOW - 30_000;
    const verdict = evaluateReadiness(input({ streams: streams(6, ['FOOUSDT'], since) }));
    expect(verdict.ok).toBe(true);
    expect(verdict.checks.streams).toEqual({
      ok: true,
      warning: '1 of 6 symbols streamed here not live past their subscribe grace: FOOUSDT',
      since: new Date(since).toISOString(),
    });
  });

  it('stays ready when exactly half of the streams are late', () => {
    expect(evaluateReadiness(input({ streams: streams(4, ['A1USDT', 'A2USDT']) })).ok).toBe(true);
  });

  it('is not ready when more than half of the symbols streamed here are not live, naming a few and counting the rest', () => {
    const late = ['A1USDT', 'A2USDT', 'A3USDT', 'A4USDT', 'A5USDT', 'A6USDT', 'A7USDT'];
    const verdict = evaluateReadiness(input({ streams: streams(10, late) }));
    expect(verdict.ok).toBe(false);
    expect(verdict.checks.streams.reason).toBe(
      '7 of 10 symbols streamed here not live past their subscribe grace: A1USDT, A2USDT, A3USDT, A4USDT, A5USDT and 2 more',
    );
  });

  it('is not ready when none of its streams is live and some are late', () => {
    const cutOff: StreamedSymbolsHealth = { streamed: 4, live: 0, late: [{ symbol: 'A1USDT', since: NOW - 10_000 }] };
    expect(evaluateReadiness(input({ streams: cutOff })).checks.streams.ok).toBe(false);
  });

  it('is ready while new streams are still inside their subscribe grace, and with none streamed here', () => {
    expect(evaluateReadiness(input({ streams: { streamed: 3, live: 0, late: [] } })).ok).toBe(true);
    expect(evaluateReadiness(input({ streams: { streamed: 0, live: 0, late: [] } })).ok).toBe(true);
  });

  it('is not ready while symbols\' history is held back because a gap found could not be recorded', () => {
    const since = NOW - 4_000;
    const verdict = evaluateReadiness(input({ writes: { ...writesHealthy, heldBack: { since, symbols: 3 } } }));
    expect(verdict.ok).toBe(false);
    expect(verdict.checks.historyWrites).toEqual({
      ok: false,
      reason: 'the history of 3 symbols is held back: a gap found in it could not be recorded in PostgreSQL yet',
      since: new Date(since).toISOString(),
    });
  });
});
