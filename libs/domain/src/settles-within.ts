/**
 * Whether `work` settles (resolves or rejects) within `ms`. The work itself is not cancelled: this bounds how long
 * a caller waits for it, e.g. a shutdown that must finish before the orchestrator's kill.
 */
export function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  const settled = work.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, expired]).finally(() => clearTimeout(timer));
}
