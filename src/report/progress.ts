import { type ResponseClass, responseClasses } from '../classify/types.js';
import { formatCount, formatNumber } from './format.js';

/** What the run loop knows at a moment; the progress display samples it, it never counts by itself. */
export interface ProgressSnapshot {
  phase: 'preflight' | 'login' | 'traffic' | 'drain';
  /** Since the start of the phase. */
  elapsedMs: number;
  /** The planned length of the phase, when it has one. */
  totalMs?: number;
  requests: number;
  totalRequests?: number;
  classes: Record<ResponseClass, number>;
  /** The chaos action in progress, such as `restart lab-app2`. */
  chaos?: string;
}

export interface ProgressLineOptions {
  /** The previous sample, for the current rate; without it the rate is the average so far. */
  previous?: Pick<ProgressSnapshot, 'elapsedMs' | 'requests'>;
  /** Cut the line to this many characters (a terminal's width). */
  width?: number;
}

function seconds(ms: number): string {
  return `${+(ms / 1000).toFixed(1)}s`;
}

/** One line of progress: pure, so the terminal and the CI log forms are tested without timers. */
export function renderProgressLine(snapshot: ProgressSnapshot, options: ProgressLineOptions = {}): string {
  const previous = options.previous ?? { elapsedMs: 0, requests: 0 };
  const spanMs = snapshot.elapsedMs - previous.elapsedMs;
  const rate = spanMs > 0 ? ((snapshot.requests - previous.requests) * 1000) / spanMs : 0;
  const time =
    snapshot.totalMs === undefined
      ? seconds(snapshot.elapsedMs)
      : `${seconds(snapshot.elapsedMs)}/${seconds(snapshot.totalMs)}`;
  const requests =
    snapshot.totalRequests === undefined
      ? `${formatCount(snapshot.requests)} req`
      : `${formatCount(snapshot.requests)}/${formatCount(snapshot.totalRequests)} req`;
  const classes = responseClasses
    .filter((name) => name === 'ok' || snapshot.classes[name] > 0)
    .map((name) => `${name} ${formatCount(snapshot.classes[name])}`);
  const parts = [snapshot.phase, time, requests, `${formatNumber(rate, 0)} req/s`, classes.join(' ')];
  if (snapshot.chaos !== undefined) parts.push(`chaos: ${snapshot.chaos}`);
  const line = parts.join('  ');
  return options.width !== undefined && line.length > options.width
    ? line.slice(0, Math.max(options.width - 1, 0))
    : line;
}

interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Timer {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemTimer: Timer = {
  setInterval: (callback, ms) => {
    const handle = setInterval(callback, ms);
    // Progress must never keep a finished run's process alive.
    handle.unref();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface ProgressOptions {
  /** Normally process.stderr, so stdout stays clean for `--json -`. */
  stream: ProgressStream;
  sample: () => ProgressSnapshot;
  quiet?: boolean;
  timer?: Timer;
  /** Default: 250 ms on a terminal, 5 s otherwise (one short line every few seconds in a CI log). */
  intervalMs?: number;
}

export interface Progress {
  /** Writes a line of the run's log without tearing the progress line (redrawn at the next tick). */
  log(line: string): void;
  /** Stops drawing; on a terminal, clears the line so that what follows starts clean. */
  stop(): void;
}

const clearLine = '\r\u001b[2K';

/** Live progress: a line redrawn in place on a terminal, a line every few seconds otherwise, nothing if quiet. */
export function createProgress(options: ProgressOptions): Progress {
  const { stream } = options;
  if (options.quiet === true) return { log: (line) => stream.write(`${line}\n`), stop: () => {} };
  const tty = stream.isTTY === true;
  const timer = options.timer ?? systemTimer;
  let previous: ProgressSnapshot | undefined;
  const draw = (): void => {
    const snapshot = options.sample();
    // A new phase restarts its clock, so the previous sample would give a negative span.
    const sameClock = previous !== undefined && previous.phase === snapshot.phase;
    const line = renderProgressLine(snapshot, {
      ...(sameClock && previous !== undefined ? { previous } : {}),
      ...(tty && stream.columns !== undefined && stream.columns > 0 ? { width: stream.columns } : {}),
    });
    stream.write(tty ? `${clearLine}${line}` : `${line}\n`);
    previous = snapshot;
  };
  const handle = timer.setInterval(draw, options.intervalMs ?? (tty ? 250 : 5000));
  let stopped = false;
  return {
    log: (line) => stream.write(tty ? `${clearLine}${line}\n` : `${line}\n`),
    stop: () => {
      if (stopped) return;
      stopped = true;
      timer.clearInterval(handle);
      if (tty) stream.write(clearLine);
    },
  };
}
