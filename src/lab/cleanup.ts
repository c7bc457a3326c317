import type { LabState } from './state.js';
import { teardown, teardownSync } from './teardown.js';

/**
 * Labs of this process that must not outlive it: torn down on SIGINT/SIGTERM (then the signal is raised
 * again, unless someone else handles it) and, synchronously, on exit.
 */
const tracked = new Map<string, LabState>();
const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
let installed = false;

function onExit(): void {
  for (const state of tracked.values()) teardownSync(state);
  tracked.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  const states = [...tracked.values()];
  tracked.clear();
  void Promise.allSettled(states.map((state) => teardown(state))).then(() => {
    uninstall();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const signal of signals) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const signal of signals) process.off(signal, onSignal);
}

/** Tracks the state object itself, so what a lab starts later is covered too. */
export function trackLab(state: LabState): void {
  tracked.set(state.id, state);
  install();
}

export function untrackLab(id: string): void {
  tracked.delete(id);
  if (tracked.size === 0) uninstall();
}
