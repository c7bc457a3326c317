import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { PreflightError } from '../../errors.js';
import type { ChaosEvent, ChaosSelector } from '../../profile/schema/chaos.js';
import { isAlive, type ProcessIdentity, processStartTime, readProcStat } from '../../util/proc.js';
import type { ActionOutcome, ActOptions, ChaosDriver, ChaosTarget, RestoreResult } from '../driver.js';
import { execFailure, execSucceeded, runExec } from '../exec.js';
import { commandScale } from '../scale-command.js';
import { holdsSocket, listenerSockets, listenersOf } from './listeners.js';

/** How a target is found at each action: by the port it listens on, a pid file, or one pid. */
type ProcessLocator =
  | { kind: 'port'; port: number }
  | { kind: 'pidFile'; path: string }
  | { kind: 'pid'; pid: number; startTime: number };

type ProcessTargetDetail = {
  locator: ProcessLocator;
  /** The command that starts it again (placeholders replaced), when the profile gave one. */
  start?: string[];
};

export interface ProcessDriverOptions {
  /** How long a stop waits after SIGTERM before SIGKILL, when the event gives no timeout. */
  stopTimeoutMs?: number;
  /** How long a start command may run. */
  startTimeoutMs?: number;
  pollMs?: number;
}

const defaultStopTimeoutMs = 10_000;
const killWaitMs = 5_000;
const stateWaitMs = 2_000;
/** How long after its start command exits a target may take to be seen (listening, in its pid file). */
const startedWaitMs = 10_000;

function asList<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

function detailOf(target: ChaosTarget): ProcessTargetDetail {
  const detail = target.detail as ProcessTargetDetail | undefined;
  if (detail?.locator === undefined) throw new Error(`${target.name} is not a process target`);
  return detail;
}

function readPidFile(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The start command with {port}, {pid} and {pidFile} filled in for this target. */
function startCommand(command: readonly string[] | undefined, locator: ProcessLocator): string[] | undefined {
  if (command === undefined) return undefined;
  const values: Record<string, string> = {
    port: locator.kind === 'port' ? String(locator.port) : '',
    pid: locator.kind === 'pid' ? String(locator.pid) : '',
    pidFile: locator.kind === 'pidFile' ? locator.path : '',
  };
  return command.map((arg) => arg.replace(/\{(port|pid|pidFile)\}/g, (_, key: string) => values[key] ?? ''));
}

function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answered: boolean): void => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Plain processes on this machine, acted on with signals: stop (SIGTERM, then SIGKILL after the timeout), kill
 * (a signal), pause (SIGSTOP), unpause (SIGCONT), start and restart with the profile's start command. A target
 * is found again at each action, and only a process that matches its selector exactly is ever signalled: the
 * one holder of the port's listening socket, the pid in the pid file, or the pid with the start time it had.
 */
export function processDriver(options: ProcessDriverOptions = {}): ChaosDriver {
  const pollMs = options.pollMs ?? 50;

  /** The live process a target names now; undefined when none does. Throws when more than one would. */
  function current(target: ChaosTarget): ProcessIdentity | undefined {
    const { locator } = detailOf(target);
    if (locator.kind === 'pid') return isAlive(locator) ? locator : undefined;
    const pid = locator.kind === 'pidFile' ? readPidFile(locator.path) : listenerOf(locator.port);
    if (pid === undefined) return undefined;
    const startTime = processStartTime(pid);
    return startTime === undefined ? undefined : { pid, startTime };
  }

  /** The last holder seen of each port: asked first, so that a check while the run goes on reads one fd table. */
  const lastHolder = new Map<number, number>();

  /**
   * The one process listening on the port. The full scan of every process (which proves it is the only one)
   * is made when the port is first resolved and whenever the last holder no longer holds it.
   */
  function listenerOf(port: number): number | undefined {
    const sockets = listenerSockets(port);
    if (sockets.size === 0) return undefined;
    const last = lastHolder.get(port);
    if (last !== undefined && holdsSocket(last, sockets)) return last;
    const pid = exactlyOne(listenersOf(port), `127.0.0.1:${port}`);
    if (pid === undefined) lastHolder.delete(port);
    else lastHolder.set(port, pid);
    return pid;
  }

  function exactlyOne(pids: number[], what: string): number | undefined {
    if (pids.length > 1) {
      throw new PreflightError(
        `${what} is held by ${pids.length} processes (pids ${pids.join(', ')}); the process driver acts only on a target it matches exactly: name one by pid or pid file`,
      );
    }
    return pids[0];
  }

  function signal(identity: ProcessIdentity, name: string): void {
    // Checked again just before the signal: a pid that now belongs to another process is never signalled.
    if (!isAlive(identity)) return;
    process.kill(identity.pid, name as NodeJS.Signals);
  }

  const paused = (identity: ProcessIdentity): boolean => readProcStat(identity.pid)?.state === 'T';

  /** Polls until `check` holds, for at most `ms`; whether it did. */
  async function within(ms: number, check: () => boolean): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() >= deadline) return false;
      await delay(pollMs);
    }
    return true;
  }

  const gone = (identity: ProcessIdentity, ms: number): Promise<boolean> =>
    within(ms, () => !isAlive(identity));

  /** SIGSTOP and SIGCONT take effect a moment after kill() returns: done means the process is so. */
  async function signalAndSee(
    identity: ProcessIdentity,
    name: 'SIGSTOP' | 'SIGCONT',
  ): Promise<ActionOutcome> {
    signal(identity, name);
    const wanted = name === 'SIGSTOP';
    if (await within(stateWaitMs, () => !isAlive(identity) || paused(identity) === wanted)) return 'done';
    throw new Error(`pid ${identity.pid} did not ${wanted ? 'stop' : 'continue'} after ${name}`);
  }

  async function stop(target: ChaosTarget, actOptions: ActOptions): Promise<ActionOutcome> {
    const identity = current(target);
    if (identity === undefined) return 'already-stopped';
    signal(identity, 'SIGTERM');
    // A stopped (paused) process keeps SIGTERM pending until it runs again.
    if (paused(identity)) signal(identity, 'SIGCONT');
    if (await gone(identity, actOptions.timeoutMs ?? options.stopTimeoutMs ?? defaultStopTimeoutMs))
      return 'done';
    signal(identity, 'SIGKILL');
    if (await gone(identity, killWaitMs)) return 'done';
    throw new Error(`pid ${identity.pid} (${target.name}) did not exit after SIGKILL`);
  }

  async function start(target: ChaosTarget): Promise<ActionOutcome> {
    if (current(target) !== undefined) return 'already-running';
    const command = detailOf(target).start;
    if (command === undefined) {
      throw new Error(`${target.name} is down and no start command was given (chaos event field start)`);
    }
    const result = await runExec(command, { timeoutMs: options.startTimeoutMs ?? 60_000 });
    if (!execSucceeded(result)) throw new Error(execFailure('start command', command, result));
    // Done means started: the command may leave the process still starting when it exits.
    const { locator } = detailOf(target);
    if (locator.kind !== 'pid' && !(await within(startedWaitMs, () => current(target) !== undefined))) {
      throw new Error(
        `start command ${command.join(' ')} exited 0, but no process is ${target.name} ${startedWaitMs / 1000} s later`,
      );
    }
    return 'done';
  }

  async function act(
    target: ChaosTarget,
    action: string,
    actOptions: ActOptions = {},
  ): Promise<ActionOutcome> {
    switch (action) {
      case 'stop':
        return stop(target, actOptions);
      case 'start':
        return start(target);
      case 'restart': {
        await stop(target, actOptions);
        return start(target);
      }
      case 'kill': {
        const identity = current(target);
        if (identity === undefined) return 'not-running';
        const name = actOptions.signal ?? 'SIGKILL';
        signal(identity, name);
        // A signal takes effect when the process next runs, which on a loaded machine is not at once; until
        // then it still holds its port, and the wait for it to be back would find it "back". SIGKILL must end
        // it; another signal may be one it handles (it lives on: done all the same).
        if ((await gone(identity, stateWaitMs)) || name !== 'SIGKILL') return 'done';
        if (await gone(identity, killWaitMs)) return 'done';
        throw new Error(`pid ${identity.pid} (${target.name}) did not exit after SIGKILL`);
      }
      case 'pause': {
        const identity = current(target);
        if (identity === undefined) return 'not-running';
        if (paused(identity)) return 'already-paused';
        return signalAndSee(identity, 'SIGSTOP');
      }
      case 'unpause': {
        const identity = current(target);
        if (identity === undefined) return 'not-running';
        if (!paused(identity)) return 'not-paused';
        return signalAndSee(identity, 'SIGCONT');
      }
      default:
        throw new Error(`the process driver has no action ${action}`);
    }
  }

  async function isBack(target: ChaosTarget): Promise<boolean> {
    const identity = current(target);
    if (identity === undefined || paused(identity)) return false;
    const { locator } = detailOf(target);
    return locator.kind === 'port' ? portAnswers(locator.port) : true;
  }

  async function restore(target: ChaosTarget): Promise<RestoreResult> {
    try {
      const identity = current(target);
      if (identity !== undefined && paused(identity)) {
        await signalAndSee(identity, 'SIGCONT');
        return { outcome: 'restored', action: 'unpause' };
      }
      if (identity !== undefined) return { outcome: 'already-fine', state: `running, pid ${identity.pid}` };
      await start(target);
      return { outcome: 'restored', action: 'start' };
    } catch (error) {
      return {
        outcome: 'failed',
        action: 'start',
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  function resolveOne(locator: ProcessLocator, event: ChaosEvent | undefined): ChaosTarget | undefined {
    const start = startCommand(event?.start, locator);
    const detail: ProcessTargetDetail = { locator, ...(start === undefined ? {} : { start }) };
    switch (locator.kind) {
      case 'port': {
        // Resolving proves there is one holder only (a full scan), before the run relies on the last one seen.
        lastHolder.delete(locator.port);
        const pid = listenerOf(locator.port);
        // A port nobody listens on is a target only where it can be started (a stopped backend).
        if (pid === undefined && (event?.action !== 'start' || start === undefined)) return undefined;
        return { id: `port:${locator.port}`, name: `127.0.0.1:${locator.port}`, detail };
      }
      case 'pidFile': {
        const pid = readPidFile(locator.path);
        if (pid === undefined || processStartTime(pid) === undefined) return undefined;
        return { id: `pidfile:${locator.path}`, name: `${locator.path} (pid ${pid})`, detail };
      }
      case 'pid':
        return { id: `pid:${locator.pid}:${locator.startTime}`, name: `pid ${locator.pid}`, detail };
    }
  }

  async function resolve(selector: ChaosSelector, event?: ChaosEvent): Promise<ChaosTarget[]> {
    const locators: ProcessLocator[] = [
      ...asList(selector.port).map((port): ProcessLocator => ({ kind: 'port', port })),
      ...asList(selector.pidFile).map((path): ProcessLocator => ({ kind: 'pidFile', path })),
      ...asList(selector.pid).flatMap((pid): ProcessLocator[] => {
        const startTime = processStartTime(pid);
        return startTime === undefined ? [] : [{ kind: 'pid', pid, startTime }];
      }),
    ];
    return locators
      .map((locator) => resolveOne(locator, event))
      .filter((target): target is ChaosTarget => target !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  const noun = 'process';
  return {
    name: 'process',
    noun,
    config: {},
    listHint: 'list listening processes with: ss -ltnp',
    connect: async () => 'processes on this machine (signals; /proc for ports)',
    resolve,
    act: (target, action, actOptions) => act(target, action, actOptions),
    isBack,
    restore,
    scale: commandScale({ resolve, noun }, (member) => {
      const { locator } = detailOf(member);
      if (locator.kind === 'port') return String(locator.port);
      return locator.kind === 'pid' ? String(locator.pid) : locator.path;
    }),
    close: async () => undefined,
  };
}
