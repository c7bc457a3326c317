import { spawn } from 'node:child_process';

export interface ExecResult {
  /** Undefined when the process did not exit by itself (killed, or never started). */
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  /** Why the command could not start (ENOENT, EACCES), when it could not. */
  spawnError?: string;
  /** The first bytes of each stream; `truncated` says whether more was discarded. */
  stdout: string;
  stderr: string;
  truncated: boolean;
}

export interface ExecOptions {
  timeoutMs: number;
  maxOutputBytes?: number;
  /** Aborting kills the command, as the run ending does. */
  signal?: AbortSignal;
  /** Called once, when stdout first contains this text (the command's "it is done now" line, execDoneMarker). */
  marker?: string;
  onMarker?: () => void;
}

const defaultMaxOutputBytes = 8192;

/**
 * The line an exec command prints on stdout to say its action is done (a restart script, once the restart
 * is), when it goes on running after that or has more to do before it exits; the event's `marker` replaces it.
 */
export const execDoneMarker = 'session-chaos: done';

/** Runs a command without a shell (the profile gives the argument list), bounded in time and in kept output. */
export function runExec(command: readonly string[], options: ExecOptions): Promise<ExecResult> {
  const [file, ...args] = command;
  const limit = options.maxOutputBytes ?? defaultMaxOutputBytes;
  return new Promise((resolve) => {
    const child = spawn(file ?? '', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const kept = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const size = { stdout: 0, stderr: 0 };
    let truncated = false;
    let spawnError: string | undefined;
    const keep = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const room = limit - size[stream];
      if (chunk.length > room) truncated = true;
      if (room <= 0) return;
      const part = chunk.subarray(0, room);
      kept[stream].push(part);
      size[stream] += part.length;
    };
    child.stdout.on('data', keep('stdout'));
    const { marker, onMarker } = options;
    if (marker !== undefined && onMarker !== undefined) {
      // Searched over what came lately, so a marker split between chunks is found, and output beyond the
      // kept bytes is still searched.
      let recent = '';
      const watch = (chunk: Buffer): void => {
        recent = (recent + chunk.toString('utf8')).slice(-(marker.length + 65_536));
        if (!recent.includes(marker)) return;
        child.stdout.off('data', watch);
        onMarker();
      };
      child.stdout.on('data', watch);
    }
    child.stderr.on('data', keep('stderr'));
    const started = Date.now();
    child.on('error', (error: NodeJS.ErrnoException) => {
      // Timeouts and aborts surface here too; they are told apart by the exit below.
      if (error.name !== 'AbortError') spawnError ??= error.code ?? error.message;
    });
    child.on('close', (code, signal) => {
      const timedOut =
        signal !== null && Date.now() - started >= options.timeoutMs && !options.signal?.aborted;
      resolve({
        ...(code === null ? {} : { exitCode: code }),
        ...(signal === null ? {} : { signal }),
        timedOut,
        ...(spawnError === undefined ? {} : { spawnError }),
        stdout: Buffer.concat(kept.stdout).toString('utf8'),
        stderr: Buffer.concat(kept.stderr).toString('utf8'),
        truncated,
      });
    });
  });
}

export function execSucceeded(result: ExecResult): boolean {
  return result.exitCode === 0 && !result.timedOut && result.spawnError === undefined;
}

/** Why a command failed, with the last line of its stderr: `start command x failed: exit 1: no such lab`. */
export function execFailure(what: string, command: readonly string[], result: ExecResult): string {
  const why =
    result.spawnError ?? (result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal ?? '?'}`);
  const stderr = result.stderr.trim().split('\n').slice(-1)[0] ?? '';
  return `${what} ${command.join(' ')} failed: ${why}${stderr === '' ? '' : `: ${stderr}`}`;
}
