import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/esm/index.mjs', import.meta.url));
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const outcome = fileURLToPath(new URL('../../src/cli/outcome.ts', import.meta.url));

export interface ChildRun {
  child: ChildProcess;
  /** Resolves when stderr has a line matching `pattern` (the run reached a phase). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves when the child exited, with when (Date.now()). */
  exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    at: number;
    stdout: string;
    stderr: string;
  }>;
}

/** The CLI in a child process, as bin/session-chaos.js runs it (from the sources), so real signals reach it. */
export function runCliChild(args: string[], env: NodeJS.ProcessEnv = {}): ChildRun {
  const script = [
    `const { main } = await import(${JSON.stringify(main)});`,
    `const { newOutcome } = await import(${JSON.stringify(outcome)});`,
    'const outcome = newOutcome();',
    `const code = await main(['node', 'session-chaos', ...${JSON.stringify(args)}], outcome);`,
    'if (outcome.exitAtOnce) process.exit(code);',
    'process.exitCode = code;',
  ].join('\n');
  const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    at: number;
    stdout: string;
    stderr: string;
  }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, at: Date.now(), stdout, stderr })),
  );
  return {
    child,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stderr)) {
          resolve();
          return;
        }
        const timer = setTimeout(
          () => reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms:\n${stderr}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`the run ended before ${pattern}:\n${stderr}`));
        });
      }),
  };
}
