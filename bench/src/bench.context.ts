import type { BenchConfig } from './bench.config';
import type { RedisProbe } from './clients/redis-probe';
import type { EmulatorHandle, ServiceHandle } from './harness';
import { CpuMeter } from './infra/cpu-meter';

/** What every phase works with: the running emulator and service, and the probes that look behind them. */
export interface BenchContext {
  config: BenchConfig;
  emulator: EmulatorHandle;
  service: ServiceHandle;
  redis: RedisProbe;
  redisPid: number;
  /** The symbols the service tracks in this phase. */
  symbols: string[];
  /** Databases created by this run (their backends count as PostgreSQL CPU). */
  ourDatabases: ReadonlySet<string>;
}

/** The parts of a context a CPU meter needs; the peer phase runs without a service. */
export type MeteredContext = Pick<BenchContext, 'emulator' | 'redisPid' | 'ourDatabases'> & { service?: ServiceHandle };

export function newCpuMeter(context: MeteredContext, extra: { peer?: number } = {}): CpuMeter {
  return new CpuMeter(context.ourDatabases, {
    service: context.service?.process.isRunning ? context.service.process.pid : undefined,
    emulator: context.emulator.process.pid,
    redis: context.redisPid,
    ...extra,
  });
}
