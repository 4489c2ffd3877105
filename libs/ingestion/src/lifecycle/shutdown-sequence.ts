import { settlesWithin } from '@binance-rates/domain';

export interface ShutdownStep {
  /** What the step does, for the log when it is cut short. */
  name: string;
  /** Its share of the whole budget; a step that takes longer is cut (left running, not waited for). */
  share: number;
  run: () => Promise<unknown> | void;
}

/**
 * Runs `steps` one after the other, each bounded by its share of `budgetMs`, so one hung store cannot keep the later
 * steps (releasing leases, say) from running before the orchestrator's kill. A step that throws or overruns does not
 * stop the sequence. Returns the names of the steps that were cut or failed.
 */
export async function runShutdownSequence(
  steps: readonly ShutdownStep[],
  budgetMs: number,
  onCut: (step: ShutdownStep, reason: string) => void,
): Promise<string[]> {
  const cut: string[] = [];
  for (const step of steps) {
    const limitMs = budgetMs * step.share;
    let failure: Error | null = null;
    const work = Promise.resolve()
      .then(step.run)
      .catch((error: Error) => {
        failure = error;
      });
    if (!(await settlesWithin(work, limitMs))) {
      cut.push(step.name);
      onCut(step, `still running after ${Math.round(limitMs)} ms`);
    } else if (failure !== null) {
      cut.push(step.name);
      onCut(step, (failure as Error).message);
    }
  }
  return cut;
}
