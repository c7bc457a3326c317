import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { LabError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { processStartTime } from '../util/proc.js';
import { waitUntil } from './wait.js';

// Every lab process exits on SIGTERM in well under a second; past this it gets SIGKILL.
export const exitGraceMs = 3000;
const killWaitMs = 2000;

/**
 * A process the lab started. The kernel's start time (in clock ticks since boot) goes with the pid so that a
 * pid reused by someone else's process is never signalled.
 */
export interface OwnedProcess {
  pid: number;
  startTime: number;
}

export interface SpawnOptions {
  env: Record<string, string>;
  /** stdout and stderr are appended here; a process that fails to start explains itself in this file. */
  outputPath: string;
  cwd?: string;
}

/** Starts a process in its own process group, detached, so it outlives the caller (`lab up`). */
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions): OwnedProcess {
  const output = openSync(options.outputPath, 'a');
  try {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', output, output],
    });
    child.unref();
    if (child.pid === undefined) throw new LabError(`could not start ${command}; see ${options.outputPath}`);
    const startTime = processStartTime(child.pid);
    if (startTime === undefined) throw new LabError(`${command} exited at once; see ${options.outputPath}`);
    return { pid: child.pid, startTime };
  } finally {
    closeSync(output);
  }
}

/** This process, as a lab state names its owner. */
export function thisProcess(): OwnedProcess {
  return { pid: process.pid, startTime: processStartTime(process.pid) ?? 0 };
}

export function isRunning(process: OwnedProcess): boolean {
  return processStartTime(process.pid) === process.startTime;
}

/** Sends a signal only if the pid is still the process the lab started. */
export function signalOwned(owned: OwnedProcess, signal: NodeJS.Signals): void {
  if (!isRunning(owned)) return;
  try {
    process.kill(owned.pid, signal);
  } catch {}
}

/**
 * Stops processes the lab started: SIGTERM to each at once, SIGKILL to those still running after the grace.
 * A SIGKILL takes effect when the process is next scheduled, which on a loaded machine is not at once: this
 * waits for that too (a while), so that whoever stopped them does not find them still there.
 */
export async function stopOwned(
  processes: readonly OwnedProcess[],
  what: string,
  clock?: Clock,
): Promise<void> {
  for (const owned of processes) signalOwned(owned, 'SIGTERM');
  const allExited = (timeoutMs: number): Promise<void> =>
    waitUntil(async () => processes.every((owned) => !isRunning(owned)), { what, timeoutMs, clock });
  try {
    await allExited(exitGraceMs);
  } catch {
    for (const owned of processes) signalOwned(owned, 'SIGKILL');
    await allExited(killWaitMs).catch(() => undefined);
  }
}
