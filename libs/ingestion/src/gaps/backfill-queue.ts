import { Injectable } from '@nestjs/common';
import { BackfillJob, QueuedFill } from './backfill-job';
import { GapLedger } from './gap-ledger.service';

/**
 * The fills waiting for the backfill runner, in the order their ranges were found. Whoever finds a hole (the stream
 * supervisor, the write pipeline shedding, the sweep of due gaps) pushes it here; a range found now starts being
 * recorded in the gap ledger at once, before any later trade can be stored. Once closed (the instance is stopping),
 * a range pushed is kept for the next owner instead.
 */
@Injectable()
export class BackfillQueue {
  private readonly fills: QueuedFill[] = [];
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(private readonly ledger: GapLedger) {}

  get size(): number {
    return this.fills.length;
  }

  push(job: BackfillJob): void {
    if (this.closed) {
      if (job.kind === 'range') {
        this.ledger.keepForNextOwner(job);
      }
      return;
    }
    if (job.kind === 'gap' && !this.ledger.claim(job.gapId)) {
      return;
    }
    const fill: QueuedFill = { job, queuedAt: Date.now() };
    if (job.kind === 'gap') {
      fill.gapId = job.gapId;
    } else if (job.kind === 'range') {
      recordWhenFound(this.ledger, fill, job.fromId);
    }
    this.fills.push(fill);
    this.wake?.();
  }

  /** The next fill, waiting for one; null once the queue is closed. */
  async next(): Promise<QueuedFill | null> {
    while (this.fills.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return this.closed ? null : (this.fills.shift() as QueuedFill);
  }

  /** Takes no more fills; returns the ones still waiting. */
  close(): QueuedFill[] {
    this.closed = true;
    this.wake?.();
    return this.fills.splice(0);
  }
}

/** Starts recording the range of `fill` from `fromId`; `fill.recorded` settles once it has its row (or failed). */
export function recordWhenFound(ledger: GapLedger, fill: QueuedFill, fromId: number): void {
  const { symbol, toId, reason } = fill.job;
  fill.recorded = ledger.recordFound({ symbol, fromId, toId, reason }).then((gapId) => {
    fill.gapId = gapId;
  });
}
