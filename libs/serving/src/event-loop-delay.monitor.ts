import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** Delays are sampled this often (Node's own timer, outside the data path). */
const RESOLUTION_MS = 20;
/** The window over which the longest delay is kept; a probe sees the current window and the one before. */
const WINDOW_MS = 10_000;
const NS_PER_MS = 1e6;

/**
 * The longest the event loop made a callback wait, for the liveness probe. A loop stuck in synchronous work answers
 * no probe at all (the orchestrator's probe timeout covers that); one that was stuck for seconds and came back is
 * reported here for a window or two after.
 */
@Injectable()
export class EventLoopDelayMonitor implements OnModuleInit, OnModuleDestroy {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private timer: NodeJS.Timeout | null = null;
  private previousMaxMs = 0;
  private previousStartedAt = Date.now();
  private currentStartedAt = Date.now();

  onModuleInit(): void {
    this.histogram.enable();
    this.timer = setInterval(() => this.nextWindow(), WINDOW_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.histogram.disable();
  }

  /** The longest delay in the current and the previous window, and when the earlier of them began. */
  worstDelay(): { maxMs: number; since: number } {
    return { maxMs: Math.max(this.previousMaxMs, this.histogram.max / NS_PER_MS), since: this.previousStartedAt };
  }

  private nextWindow(): void {
    this.previousMaxMs = this.histogram.max / NS_PER_MS;
    this.previousStartedAt = this.currentStartedAt;
    this.currentStartedAt = Date.now();
    this.histogram.reset();
  }
}
