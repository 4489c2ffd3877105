import type { BenchContext } from '../bench.context';
import { nowMs, sleep } from '../infra/http-json';

const POLL_MS = 25;

/**
 * Waits until the service has caught up with `targetIds` (the emulator's last ids once the market is stopped):
 * every symbol's latest trade id in Redis has reached its target and /health reports no pending history twice in a
 * row (the second look covers a batch that was in flight during the first). Returns when that first held, or null
 * on timeout.
 */
export async function waitDrained(context: BenchContext, targetIds: ReadonlyMap<string, number>, timeoutMs: number): Promise<number | null> {
  const { redis, service, symbols } = context;
  const deadline = nowMs() + timeoutMs;
  let emptySince: number | null = null;
  while (nowMs() < deadline) {
    const checkedAt = nowMs();
    const latest = await redis.latestTradeIds(service.redisPrefix, symbols);
    const latestDone = symbols.every((symbol) => (latest.get(symbol) ?? 0) >= (targetIds.get(symbol) ?? 0));
    const pending = latestDone ? (await service.client.health()).postgres?.pendingTrades : undefined;
    if (latestDone && pending === 0) {
      if (emptySince !== null) {
        return emptySince;
      }
      emptySince = checkedAt;
    } else {
      emptySince = null;
    }
    await sleep(POLL_MS);
  }
  return null;
}

export interface StoredCheck {
  expected: number;
  stored: number;
  lost: number;
  /** Symbols with fewer rows than the emulator sent. */
  symbolsShort: number;
  /** When the count first matched (wall ms), or null if it never did before the deadline. */
  completeAt: number | null;
  /** The very first count matched: nothing was still on its way when the check began. */
  firstCountMatched: boolean;
}

/**
 * Counts stored rows per symbol with ids in (fromIds, toIds] against what the emulator generated there (ids are
 * sequential per symbol, so expected = toId - fromId). Recounts until they match or the deadline passes: a batch
 * may still be in flight, and a gap may still be backfilling over REST.
 */
export async function checkStored(
  context: BenchContext,
  fromIds: ReadonlyMap<string, number>,
  toIds: ReadonlyMap<string, number>,
  timeoutMs: number,
): Promise<StoredCheck> {
  const windows = context.symbols.map((symbol) => ({ symbol, afterId: fromIds.get(symbol) ?? 0, toId: toIds.get(symbol) ?? 0 }));
  const expected = windows.reduce((sum, window) => sum + Math.max(0, window.toId - window.afterId), 0);
  const deadline = nowMs() + timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    const counts = await context.service.database.countStored(windows);
    let stored = 0;
    let symbolsShort = 0;
    for (const window of windows) {
      const count = counts.get(window.symbol) ?? 0;
      stored += count;
      if (count < window.toId - window.afterId) {
        symbolsShort += 1;
      }
    }
    if (symbolsShort === 0 || nowMs() >= deadline) {
      const complete = symbolsShort === 0;
      return { expected, stored, lost: expected - stored, symbolsShort, completeAt: complete ? nowMs() : null, firstCountMatched: complete && attempt === 0 };
    }
    await sleep(250);
  }
}
