export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface WaitForOptions {
  /** What is awaited, for the timeout error: "every symbol priced". */
  what: string;
  /** Give up after this long. Default 5 s. */
  timeoutMs?: number;
  /** Probe again after this long. Default 10 ms, for a cheap in-process probe; use more for HTTP or SQL. */
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns anything but `undefined`, `null` or `false`, and resolves with that value. A probe
 * that throws is retried; after `timeoutMs` the wait fails, naming `what` and the probe's last error.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { what, timeoutMs = 5_000, intervalMs = 10 }: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) {
        return value as T;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError === undefined ? '' : `: ${String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}
