import { readFileSync } from 'node:fs';

/** What /proc/<pid>/stat says of a process: its state letter and its start time in clock ticks since boot. */
export interface ProcStat {
  state: string;
  startTime: number;
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', startTime: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/**
 * The kernel's start time of a live process (undefined for none, or a zombie). Kept with a pid, it tells the
 * process apart from a later one that got the same pid.
 */
export function processStartTime(pid: number): number | undefined {
  const stat = readProcStat(pid);
  return stat === undefined || stat.state === 'Z' ? undefined : stat.startTime;
}

/** A process named by pid and start time: still the same process only while both match. */
export interface ProcessIdentity {
  pid: number;
  startTime: number;
}

export function isAlive(identity: ProcessIdentity): boolean {
  return processStartTime(identity.pid) === identity.startTime;
}

export function thisProcessIdentity(): ProcessIdentity {
  return { pid: process.pid, startTime: processStartTime(process.pid) ?? 0 };
}
