import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ); 100 on every Linux build we run on. */
const ticksPerSecond = 100;

/** The fields of /proc/<pid>/stat after the command name, which is in parentheses and may hold spaces. */
function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

const micros = (ticks: number): number => (ticks * 1_000_000) / ticksPerSecond;

/**
 * CPU time (user + system, all threads) the kernel has charged to a live process, in microseconds.
 * The one method every load generator is measured by, so that none is flattered by its own accounting.
 */
export function processCpuMicros(pid: number): number {
  const { user, system } = processCpuSplit(pid);
  return user + system;
}

/** The same, split into user and system (kernel) time, microseconds. */
export function processCpuSplit(pid: number): CpuSplit {
  const fields = statFields(pid);
  return { user: micros(Number(fields[11])), system: micros(Number(fields[12])) };
}

export interface CpuSplit {
  user: number;
  system: number;
}

/**
 * CPU time charged to this process's children that have exited and been reaped (cutime + cstime): how a
 * child that exits at the end of its load (wrk) is measured, by the same kernel accounting.
 */
export function reapedChildrenCpu(): CpuSplit {
  const fields = statFields('self');
  return { user: micros(Number(fields[13])), system: micros(Number(fields[14])) };
}

/** Whole-machine busy and total time from /proc/stat, to tell whether the machine was saturated. */
export function machineCpuMicros(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: micros(total - idle), total: micros(total) };
}

/** Resident set size of a live process (VmRSS in /proc/<pid>/status), bytes. */
export function processRssBytes(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (line === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) * 1024;
}
