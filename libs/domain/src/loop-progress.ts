/**
 * What a single-flight loop of the service reports for liveness, read only when a probe asks. `waitingSince` is when
 * the loop began to owe its next step (a write or page started, a write due, the next periodic round); null while it
 * owes nothing (idle with nothing pending, or stopped). A step that fails still ends the wait: failing fast and
 * retrying is progress, a step that never ends is not.
 */
export interface LoopProgress {
  /** Epoch ms; may lie in the future (a retry or a REST pause not over yet). */
  waitingSince: number | null;
  /** How long a normal step may take, ms: the loop's interval, or its deadline with retries. */
  stepWithinMs: number;
}
