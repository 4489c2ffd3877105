import { listProcesses, readMachineBusySeconds, readProcessCpu } from './proc-stats';

export type CpuGroup = 'service' | 'emulator' | 'postgres' | 'redis' | 'peer' | 'bench' | 'foreignPostgres';

export interface CpuReport extends Record<CpuGroup, number> {
  wallSeconds: number;
  /** Busy CPU seconds of the whole machine. */
  machine: number;
  /** Machine minus everything attributed above: other users of this machine (their tests, builds…). */
  other: number;
}

interface TrackedPid {
  group: CpuGroup;
  /** Postgres processes are re-listed on every sample; fixed ones are known by pid. */
  postgres: boolean;
  baseline: number;
  last: number;
}

/** `postgres: 15/main: <user> <database> <host>(<port>) <state>` (cluster prefix optional). */
const BACKEND = /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])/;
const AUTOVACUUM_WORKER = /^postgres: (?:\S+: )?autovacuum worker(?: (\S+))?/;
const POSTGRES_PROCESS = /^(?:\S*\/)?postgres(?::| )/;

/**
 * CPU seconds spent by each part of the system between start() and read().
 *
 * Fixed processes (service, emulator, redis-server, the ccxt peer) are read from /proc/<pid>/stat (utime+stime,
 * all threads). PostgreSQL forks a backend per connection and reaps it on exit, so its processes are tracked per
 * pid: every sample() lists all postgres processes and remembers each one's latest CPU time; a backend that exits
 * keeps the CPU it had at the last sample (sample often: anything a backend spends after its last sample is lost,
 * which matters only for connections shorter than the sampling interval). Backends of the bench's own databases
 * and the shared auxiliary processes (postmaster, checkpointer, walwriter, background writer, autovacuum) count as
 * "postgres"; backends of other databases, i.e. other people's tests on the same server, count as
 * "foreignPostgres". The machine total from /proc/stat minus all of that is "other".
 */
export class CpuMeter {
  private readonly pids = new Map<number, TrackedPid>();
  private machineStart = 0;
  private benchStart: NodeJS.CpuUsage = { user: 0, system: 0 };
  private startedAt = 0;

  constructor(
    private readonly ourDatabases: ReadonlySet<string>,
    private readonly fixed: Partial<Record<'service' | 'emulator' | 'redis' | 'peer', number>>,
  ) {}

  start(): this {
    this.pids.clear();
    this.startedAt = performance.now();
    this.machineStart = readMachineBusySeconds();
    this.benchStart = process.cpuUsage();
    for (const [group, pid] of Object.entries(this.fixed)) {
      if (pid !== undefined && pid > 0) {
        this.track(pid, group as CpuGroup, { atStart: true, postgres: false });
      }
    }
    for (const info of listProcesses(POSTGRES_PROCESS)) {
      this.track(info.pid, this.classify(info.command), { atStart: true, postgres: true });
    }
    return this;
  }

  sample(): void {
    for (const [pid, tracked] of this.pids) {
      if (!tracked.postgres) {
        tracked.last = readProcessCpu(pid)?.selfSeconds ?? tracked.last;
      }
    }
    for (const info of listProcesses(POSTGRES_PROCESS)) {
      const tracked = this.pids.get(info.pid);
      if (tracked) {
        tracked.last = readProcessCpu(info.pid)?.selfSeconds ?? tracked.last;
      } else {
        // Born after start(): everything it has spent so far belongs to this window.
        this.track(info.pid, this.classify(info.command), { atStart: false, postgres: true });
      }
    }
  }

  read(): CpuReport {
    this.sample();
    const report: CpuReport = {
      wallSeconds: (performance.now() - this.startedAt) / 1000,
      service: 0,
      emulator: 0,
      postgres: 0,
      redis: 0,
      peer: 0,
      bench: 0,
      foreignPostgres: 0,
      machine: readMachineBusySeconds() - this.machineStart,
      other: 0,
    };
    for (const tracked of this.pids.values()) {
      report[tracked.group] += tracked.last - tracked.baseline;
    }
    const bench = process.cpuUsage(this.benchStart);
    report.bench = (bench.user + bench.system) / 1e6;
    const attributed =
      report.service + report.emulator + report.postgres + report.redis + report.peer + report.bench;
    report.other = Math.max(0, report.machine - attributed);
    return report;
  }

  private track(pid: number, group: CpuGroup, { atStart, postgres }: { atStart: boolean; postgres: boolean }): void {
    const cpu = readProcessCpu(pid);
    if (!cpu) {
      return;
    }
    this.pids.set(pid, { group, postgres, baseline: atStart ? cpu.selfSeconds : 0, last: cpu.selfSeconds });
  }

  private classify(command: string): CpuGroup {
    const backend = BACKEND.exec(command);
    if (backend) {
      return this.ourDatabases.has(backend[1]) ? 'postgres' : 'foreignPostgres';
    }
    const worker = AUTOVACUUM_WORKER.exec(command);
    if (worker?.[1] !== undefined && !this.ourDatabases.has(worker[1])) {
      return 'foreignPostgres';
    }
    return 'postgres';
  }
}
