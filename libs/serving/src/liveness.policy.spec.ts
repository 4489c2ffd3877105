import type { LoopProgress } from '@binance-rates/domain';
import type { IngestionLoopsProgress } from '@binance-rates/ingestion';
import { LIVENESS_FLOOR_MS, evaluateLiveness } from './liveness.policy';

const NOW = Date.parse('2026-01-01T00:10:00.000Z');

const idle: LoopProgress = { waitingSince: null, stepWithinMs: 5_000 };

/** Every loop turning normally: periodic ones ended their last step a moment ago, the writes have nothing pending. */
function loops(overrides: Partial<IngestionLoopsProgress> = {}): IngestionLoopsProgress {
  return {
    ownershipRound: { waitingSince: NOW - 1_000, stepWithinMs: 1_500 },
    trackedListRefresh: { waitingSince: NOW - 300, stepWithinMs: 500 },
    historyWrites: [idle, idle],
    latestPriceFlush: idle,
    backfillPage: idle,
    ...overrides,
  };
}

const calmEventLoop = { maxMs: 40, since: NOW - 15_000 };

describe('evaluateLiveness', () => {
  it('is live while every loop ends its steps and the event loop turns', () => {
    const verdict = evaluateLiveness({ now: NOW, loops: loops(), eventLoopDelay: calmEventLoop });
    expect(verdict.ok).toBe(true);
    expect(Object.values(verdict.checks).every((check) => check.ok && check.reason === undefined)).toBe(true);
  });

  it('stays live through a store outage: failed writes and rounds end their steps and the retries come due', () => {
    // PostgreSQL and Redis down for 20 s: every lane retries on its 5 s backoff, rounds fail fast every 1.5 s.
    const outage = loops({
      ownershipRound: { waitingSince: NOW - 1_400, stepWithinMs: 1_500 },
      trackedListRefresh: { waitingSince: NOW - 450, stepWithinMs: 500 },
      historyWrites: [
        { waitingSince: NOW + 3_000, stepWithinMs: 5_000 },
        { waitingSince: NOW - 200, stepWithinMs: 5_000 },
      ],
      latestPriceFlush: { waitingSince: NOW + 4_800, stepWithinMs: 5_000 },
    });
    expect(evaluateLiveness({ now: NOW, loops: outage, eventLoopDelay: calmEventLoop }).ok).toBe(true);
  });

  it('stays live while a write stalls for less than the floor (a short partition, not a refusal)', () => {
    const stalled = loops({ historyWrites: [{ waitingSince: NOW - (LIVENESS_FLOOR_MS - 1_000), stepWithinMs: 5_000 }, idle] });
    expect(evaluateLiveness({ now: NOW, loops: stalled, eventLoopDelay: calmEventLoop }).ok).toBe(true);
  });

  it('is not live when a history write has been in flight past its bound, naming the lane and since when', () => {
    const since = NOW - 45_000;
    const hung = loops({ historyWrites: [idle, { waitingSince: since, stepWithinMs: 5_000 }] });
    const verdict = evaluateLiveness({ now: NOW, loops: hung, eventLoopDelay: calmEventLoop });
    expect(verdict.ok).toBe(false);
    expect(verdict.checks.historyWrites).toEqual({
      ok: false,
      reason: 'no history write to PostgreSQL (lane 2 of 2) ended for 45 s (hung after 30 s)',
      since: new Date(since).toISOString(),
    });
    expect(verdict.checks.ownershipRound.ok).toBe(true);
  });

  it('is not live when no ownership round has ended for a few times its interval past the floor', () => {
    const hung = loops({ ownershipRound: { waitingSince: NOW - 31_000, stepWithinMs: 1_500 } });
    const verdict = evaluateLiveness({ now: NOW, loops: hung, eventLoopDelay: calmEventLoop });
    expect(verdict.ok).toBe(false);
    expect(verdict.checks.ownershipRound.reason).toMatch(/^no ownership round ended for 31 s/);
  });

  it('allows a loop with a long deadline a few of its steps: a backfill page waits out timeouts, retries and the weight budget', () => {
    const pageWithinMs = 103_500;
    const slow = loops({ backfillPage: { waitingSince: NOW - 200_000, stepWithinMs: pageWithinMs } });
    expect(evaluateLiveness({ now: NOW, loops: slow, eventLoopDelay: calmEventLoop }).ok).toBe(true);
    const hung = loops({ backfillPage: { waitingSince: NOW - 320_000, stepWithinMs: pageWithinMs } });
    expect(evaluateLiveness({ now: NOW, loops: hung, eventLoopDelay: calmEventLoop }).checks.backfillPage.ok).toBe(false);
  });

  it('counts a REST pause still running as nothing owed yet (its end lies in the future)', () => {
    const banned = loops({ backfillPage: { waitingSince: NOW + 100_000, stepWithinMs: 103_500 } });
    expect(evaluateLiveness({ now: NOW, loops: banned, eventLoopDelay: calmEventLoop }).ok).toBe(true);
  });

  it('is not live when the event loop was blocked for seconds', () => {
    const verdict = evaluateLiveness({ now: NOW, loops: loops(), eventLoopDelay: { maxMs: 4_200, since: NOW - 12_000 } });
    expect(verdict.ok).toBe(false);
    expect(verdict.checks.eventLoop.reason).toBe('the event loop was blocked for up to 4200 ms (limit 3000 ms)');
  });

  it('owes nothing for loops that have stopped', () => {
    const stopped = loops({ ownershipRound: { waitingSince: null, stepWithinMs: 1_500 }, trackedListRefresh: { waitingSince: null, stepWithinMs: 500 } });
    expect(evaluateLiveness({ now: NOW + 3_600_000, loops: stopped, eventLoopDelay: calmEventLoop }).ok).toBe(true);
  });
});
