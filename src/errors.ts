/**
 * The one errors module. Every failure the tool knows about is a SessionChaosError with a stable `code`;
 * the exit code for each code is decided here and nowhere else (as k6's errext/exitcodes does).
 */

/** Exit codes; `--help` and the README's table (npm run docs) say them from `exitCodeMeanings`. */
export const ExitCode = {
  passed: 0,
  thresholdsFailed: 1,
  usage: 2,
  preflightFailed: 3,
  aborted: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What each exit code means: in a few words (`--help`), and in full (the README). */
export const exitCodeMeanings: Record<ExitCode, { short: string; meaning: string }> = {
  0: { short: 'passed', meaning: 'the run passed (every threshold held)' },
  1: {
    short: 'thresholds failed',
    meaning: 'a threshold failed (for `compare`: a regression beyond its tolerance)',
  },
  2: {
    short: 'usage or profile error',
    meaning:
      'usage or profile error (bad flag, invalid profile or threshold, missing file or environment variable, ' +
      'a file that is not a result of this version, an output path that cannot be written, found before any traffic)',
  },
  3: {
    short: 'preflight failed',
    meaning:
      'preflight failed: the target, the probe login or a chaos driver is unreachable (Docker not answering, ' +
      'a selector matching no target), or a control failed (a wrong password passes, a rule misses, a request ' +
      'cannot show a mismatch)',
  },
  4: {
    short: 'run aborted',
    meaning:
      'the run aborted on a fault (a chaos action refused, Docker not answering within its deadline, a target ' +
      'chaos could not restore; for `recover`: a restore failed), or a report file could not be written after ' +
      'the run (the others were)',
  },
  130: {
    short: 'interrupted',
    meaning: 'interrupted (Ctrl-C or SIGTERM, in any phase; the reports are still written)',
  },
};

const exitCodeByErrorCode = {
  SC_USAGE: ExitCode.usage,
  SC_PROFILE_INVALID: ExitCode.usage,
  SC_FILE_UNREADABLE: ExitCode.usage,
  SC_RESULT_INVALID: ExitCode.usage,
  SC_PREFLIGHT: ExitCode.preflightFailed,
  SC_DOCKER_UNREACHABLE: ExitCode.preflightFailed,
  SC_LAB_COMPONENT_MISSING: ExitCode.preflightFailed,
  SC_DOCKER_API: ExitCode.aborted,
  SC_DOCKER_TIMEOUT: ExitCode.aborted,
  SC_LAB: ExitCode.aborted,
  SC_RUN_ABORTED: ExitCode.aborted,
  SC_OUTPUT_WRITE: ExitCode.aborted,
  SC_ASSET_MISSING: ExitCode.aborted,
  SC_INTERRUPTED: ExitCode.interrupted,
} as const satisfies Record<string, ExitCode>;
export type ErrorCode = keyof typeof exitCodeByErrorCode;

function exitCodeFor(code: ErrorCode): ExitCode {
  return exitCodeByErrorCode[code];
}

/** One problem with an input, named by the path of the field it concerns (`auth.login.url`). */
export interface Problem {
  path: string;
  message: string;
}

export function formatProblem(problem: Problem): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
}

export class SessionChaosError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  get exitCode(): ExitCode {
    return exitCodeFor(this.code);
  }
}

export class UsageError extends SessionChaosError {
  constructor(message: string, options: { hint?: string } = {}) {
    super('SC_USAGE', message, options);
  }
}

/** A profile (or flags and environment applied to it) that does not validate; carries every problem found. */
export class ProfileError extends SessionChaosError {
  readonly source: string;
  readonly problems: readonly Problem[];

  constructor(source: string, problems: readonly Problem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      'SC_PROFILE_INVALID',
      `${source}: ${count}\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
    this.source = source;
    this.problems = problems;
  }
}

export class FileUnreadableError extends SessionChaosError {
  constructor(path: string, reason: string) {
    super('SC_FILE_UNREADABLE', `${path}: ${reason}`);
  }
}

export class ResultFileError extends SessionChaosError {
  constructor(path: string, reason: string, options: { hint?: string } = {}) {
    super('SC_RESULT_INVALID', `${path}: ${reason}`, options);
  }
}

export class PreflightError extends SessionChaosError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('SC_PREFLIGHT', message, options);
  }
}

export class DockerUnreachableError extends SessionChaosError {
  constructor(endpoint: string, reason: string) {
    super('SC_DOCKER_UNREACHABLE', `Docker Engine at ${endpoint} is unreachable: ${reason}`, {
      hint: 'start dockerd, or point DOCKER_HOST at a running engine',
    });
  }
}

/** Docker answered with a failure that is not an idempotent outcome (304/409 are handled by the caller). */
export class DockerApiError extends SessionChaosError {
  readonly status: number;
  readonly container: string | undefined;

  constructor(operation: string, status: number, dockerMessage: string, container?: string) {
    const on = container === undefined ? '' : ` on container ${container}`;
    super('SC_DOCKER_API', `Docker ${operation}${on} failed with HTTP ${status}: ${dockerMessage}`);
    this.status = status;
    this.container = container;
  }
}

/** Docker took the request and gave no answer within the request's deadline (a hung engine). */
export class DockerTimeoutError extends SessionChaosError {
  constructor(method: string, path: string, timeoutMs: number) {
    super('SC_DOCKER_TIMEOUT', `Docker did not answer ${method} ${path} within ${formatSeconds(timeoutMs)}`);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export class LabComponentMissingError extends SessionChaosError {
  constructor(component: string, hint: string) {
    super('SC_LAB_COMPONENT_MISSING', `the lab needs ${component}, which is not available`, { hint });
  }
}

export class LabError extends SessionChaosError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('SC_LAB', message, options);
  }
}

export class RunAbortedError extends SessionChaosError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('SC_RUN_ABORTED', message, options);
  }
}

/** Report files that could not be written after the run (disk full, file gone read-only); the others were. */
export class OutputWriteError extends SessionChaosError {
  readonly failures: readonly Problem[];

  constructor(failures: readonly Problem[]) {
    const what = failures.length === 1 ? 'a report file' : `${failures.length} report files`;
    super(
      'SC_OUTPUT_WRITE',
      `could not write ${what}:\n${failures.map((failure) => `  ${formatProblem(failure)}`).join('\n')}`,
      { hint: 'the other reports were written; the result is in any JSON that was' },
    );
    this.failures = failures;
  }
}

/** A file the build makes (the lab bundle, the HTML report's script) is not there. */
export class AssetMissingError extends SessionChaosError {
  constructor(what: string, path: string, options: { cause?: unknown } = {}) {
    super('SC_ASSET_MISSING', `${what} ${path} is missing`, { hint: 'run npm run build', ...options });
  }
}

export class InterruptedError extends SessionChaosError {
  constructor(signal: string) {
    super('SC_INTERRUPTED', `interrupted by ${signal}`);
  }
}

/**
 * What the CLI prints for an error that ends the process: one line (and a hint) for known errors,
 * the stack for anything else, because an unknown error is a bug and the stack is what a report needs.
 */
export function describeFatal(error: unknown): { text: string; exitCode: ExitCode } {
  if (error instanceof SessionChaosError) {
    const hint = error.hint === undefined ? '' : `\nhint: ${error.hint}`;
    return { text: `session-chaos: ${error.message}${hint}`, exitCode: error.exitCode };
  }
  const text = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  return {
    text: `session-chaos: unexpected error (a bug; please report it)\n${text}`,
    exitCode: ExitCode.aborted,
  };
}
