import type { ServiceClient } from '../clients/service.client';
import type { CpuMeter } from './cpu-meter';
import { readRssBytes } from './proc-stats';

export interface WindowSamples {
  rssPeakBytes: number;
  /** Highest `postgres.pendingTrades` seen on /health; null when /health was not sampled. */
  pendingHighWater: number | null;
}

const SAMPLE_INTERVAL_MS = 200;

/**
 * Samples, every SAMPLE_INTERVAL_MS during a measurement window: the CPU meter (so exiting PostgreSQL backends keep
 * their CPU), the service's RSS, and the service's write backlog from /health (one request at a time).
 */
export class WindowSampler {
  private timer: NodeJS.Timeout | null = null;
  private healthInFlight = false;
  private readonly samples: WindowSamples = { rssPeakBytes: 0, pendingHighWater: null };

  constructor(
    private readonly params: { cpu: CpuMeter; servicePid?: number; service?: ServiceClient },
  ) {}

  start(): this {
    this.tick();
    this.timer = setInterval(() => this.tick(), SAMPLE_INTERVAL_MS);
    return this;
  }

  stop(): WindowSamples {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.tick();
    return { ...this.samples };
  }

  private tick(): void {
    const { cpu, servicePid, service } = this.params;
    cpu.sample();
    if (servicePid !== undefined) {
      const rss = readRssBytes(servicePid);
      if (rss !== null) {
        this.samples.rssPeakBytes = Math.max(this.samples.rssPeakBytes, rss);
      }
    }
    if (service && !this.healthInFlight) {
      this.healthInFlight = true;
      service
        .health()
        .then((health) => {
          const pending = health.postgres?.pendingTrades;
          if (typeof pending === 'number') {
            this.samples.pendingHighWater = Math.max(this.samples.pendingHighWater ?? 0, pending);
          }
        })
        .catch(() => undefined)
        .finally(() => {
          this.healthInFlight = false;
        });
    }
  }
}
