import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of the CPU times in /proc/<pid>/stat. */
export const CLOCK_TICKS = readClockTicks();

function readClockTicks(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

export interface ProcessCpu {
  /** utime + stime of the process itself (all its threads), in seconds. */
  selfSeconds: number;
  /** cutime + cstime: children that have exited and been reaped by this process, in seconds. */
  reapedChildrenSeconds: number;
}

/** Null when the process has exited. */
export function readProcessCpu(pid: number): ProcessCpu | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may contain spaces and parentheses: fields are counted after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((index) => Number(fields[index]));
  return {
    selfSeconds: (utime + stime) / CLOCK_TICKS,
    reapedChildrenSeconds: (cutime + cstime) / CLOCK_TICKS,
  };
}

/** Resident set size in bytes, or null when the process has exited. */
export function readRssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  command: string;
}

/** Every process whose command line matches `pattern` (the command line as ps shows it, NULs as spaces). */
export function listProcesses(pattern: RegExp): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0+/g, ' ').trim();
      if (!pattern.test(command)) {
        continue;
      }
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      found.push({ pid: Number(entry), ppid, command });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** Busy CPU seconds of the whole machine, all cores (user+nice+system+irq+softirq+steal from /proc/stat). */
export function readMachineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + (steal ?? 0)) / CLOCK_TICKS;
}

export interface QuietWait {
  waitedSeconds: number;
  /** Busy cores of the whole machine in the last window before the wait ended. */
  busyCores: number;
}

/**
 * Waits until the machine is quiet (fewer than `maxBusyCores` busy over a `windowMs` window) or `timeoutMs` has
 * passed. On 2 cores a load test next to PostgreSQL's autovacuum of the rows just ingested measures the vacuum.
 */
export async function waitForQuietMachine(maxBusyCores = 0.15, timeoutMs = 90_000, windowMs = 1_000): Promise<QuietWait> {
  const started = performance.now();
  let busyCores = Number.POSITIVE_INFINITY;
  while (performance.now() - started < timeoutMs) {
    const before = readMachineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    busyCores = (readMachineBusySeconds() - before) / (windowMs / 1000);
    if (busyCores < maxBusyCores) {
      break;
    }
  }
  return { waitedSeconds: (performance.now() - started) / 1000, busyCores };
}
