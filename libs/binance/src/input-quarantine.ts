import { Logger } from '@nestjs/common';
import { QuarantineKind, RefusedInputError } from './refused-input.error';

/** Longest sample kept in a log line: enough to recognise the input, not enough to flood the log with it. */
const SAMPLE_CHARS = 300;

/**
 * Where refused input is counted: per kind, with the first sample of each kind logged once (hostile input can arrive
 * at the stream's rate; one line per kind says what it looks like, the counters say how much). Nothing is kept but
 * the counts. The stream connections, the REST client and the write pipeline share one, read by /metrics.
 */
export class InputQuarantine {
  private readonly logger = new Logger(InputQuarantine.name);
  private readonly byKind = new Map<QuarantineKind, number>();

  refuse(kind: QuarantineKind, reason: string, sample?: string): void {
    const seen = this.byKind.get(kind) ?? 0;
    this.byKind.set(kind, seen + 1);
    if (seen === 0) {
      const shown = sample === undefined ? '' : `; sample: ${sample.length > SAMPLE_CHARS ? `${sample.slice(0, SAMPLE_CHARS)}…` : sample}`;
      this.logger.warn(`quarantined (${kind}, logged once per kind, counted in binance_rates_trades_quarantined_total): ${reason}${shown}`);
    }
  }

  /** Counts a RefusedInputError as its kind; anything else thrown while reading input as `malformed`. */
  refuseError(error: unknown, sample?: string): void {
    if (error instanceof RefusedInputError) {
      this.refuse(error.kind, error.message, sample);
    } else {
      this.refuse('malformed', (error as Error).message, sample);
    }
  }

  counts(): Partial<Record<QuarantineKind, number>> {
    return Object.fromEntries(this.byKind);
  }
}
