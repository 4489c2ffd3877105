import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { sleep } from './http-json';

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
  // fields[0] is field 3 (state): utime is field 14, stime 15.
  return { selfSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS };
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
      found.push({ pid: Number(entry), command });
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

const QUIET_BUSY_CORES = 0.15;
const QUIET_TIMEOUT_MS = 90_000;
const QUIET_WINDOW_MS = 1_000;

/**
 * Waits until the machine is quiet (fewer than QUIET_BUSY_CORES busy over a QUIET_WINDOW_MS window) or
 * QUIET_TIMEOUT_MS has passed. On 2 cores a load test next to PostgreSQL's autovacuum of the rows just ingested
 * measures the vacuum.
 */
export async function waitForQuietMachine(): Promise<QuietWait> {
  const started = performance.now();
  let busyCores = Number.POSITIVE_INFINITY;
  while (performance.now() - started < QUIET_TIMEOUT_MS) {
    const before = readMachineBusySeconds();
    await sleep(QUIET_WINDOW_MS);
    busyCores = (readMachineBusySeconds() - before) / (QUIET_WINDOW_MS / 1000);
    if (busyCores < QUIET_BUSY_CORES) {
      break;
    }
  }
  return { waitedSeconds: (performance.now() - started) / 1000, busyCores };
}
