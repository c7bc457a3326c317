import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { LabError } from '../errors.js';
import { processStartTime } from '../util/proc.js';

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
