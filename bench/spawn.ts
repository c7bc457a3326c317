import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ChildMessage } from './child.js';
import {
  type CpuSplit,
  machineCpuMicros,
  processCpuMicros,
  processCpuSplit,
  reapedChildrenCpu,
} from './proc.js';

/** CPU of the other processes that serve the load (balancer, backends), read around each run. */
export interface Watched {
  name: string;
  pid: number;
}

export interface Measured<T> {
  result: T;
  /** CPU the generator was charged over its load, microseconds. */
  cpuMicros: number;
  /** The same, split into user and kernel time. */
  cpu: CpuSplit;
  /** CPU of each watched process over the same window, microseconds. */
  watchedCpuMicros: Record<string, number>;
  /** Wall time between the two readings, milliseconds. */
  windowMs: number;
  /** Whole-machine busy CPU over the window, microseconds (every process, others' included). */
  machineBusyMicros: number;
}

function cpuOver(before: CpuSplit, after: CpuSplit): { cpuMicros: number; cpu: CpuSplit } {
  const cpu = { user: after.user - before.user, system: after.system - before.system };
  return { cpuMicros: cpu.user + cpu.system, cpu };
}

function sampleWatched(watched: readonly Watched[]): Record<string, number> {
  const sample = Object.fromEntries(watched.map((process) => [process.name, processCpuMicros(process.pid)]));
  sample[machineKey] = machineCpuMicros().busy;
  return sample;
}

const machineKey = '(machine)';

function split(sample: Record<string, number>): {
  watchedCpuMicros: Record<string, number>;
  machineBusyMicros: number;
} {
  const { [machineKey]: machineBusyMicros = 0, ...watchedCpuMicros } = sample;
  return { watchedCpuMicros, machineBusyMicros };
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([name, value]) => [name, value - (before[name] ?? 0)]),
  );
}

export interface NodeChildOptions {
  watched: readonly Watched[];
  nodeFlags?: readonly string[];
  /** Called when the child says its load started (the open-model section pauses a backend from here). */
  onStart?: (pid: number) => void;
  timeoutMs: number;
}

const bundleDir = fileURLToPath(new URL('./results/.children/', import.meta.url));

/**
 * Compiles the bench's child scripts (and the session-chaos code they import) into plain ES modules, so that
 * every measured process runs on bare node as a user's `npx session-chaos` would: no TypeScript loader in
 * its memory or its CPU. Dependencies stay external (node_modules).
 */
export async function buildChildren(scripts: readonly string[]): Promise<void> {
  await build({
    entryPoints: scripts.map((script) => fileURLToPath(new URL(script, import.meta.url))),
    outdir: bundleDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  // The bundled src/version.ts reads `../package.json` from where its code runs, as it does from src/ and dist/.
  copyFileSync(
    new URL('../package.json', import.meta.url),
    new URL('../package.json', `file://${bundleDir}`),
  );
}

/** Calls `handle` with each message a child writes; any other line it writes goes to stderr. */
export function onMessages(stdout: Readable, script: string, handle: (message: ChildMessage) => void): void {
  createInterface({ input: stdout }).on('line', (line) => {
    let message: ChildMessage;
    try {
      message = JSON.parse(line) as ChildMessage;
    } catch {
      process.stderr.write(`${script}: ${line}\n`);
      return;
    }
    handle(message);
  });
}

/** Where `buildChildren` put the bundle of a child script (`./load-engine.ts`). */
export function childPath(script: string): string {
  return `${bundleDir}${script.replace(/^\.\//, '').replace(/\.ts$/, '.mjs')}`;
}

/**
 * Runs a bench child (a TypeScript file next to this one, built by `buildChildren`) and measures it between its `start` and `result`
 * messages by reading /proc/<pid>/stat: the kernel's count of its CPU, all threads included.
 */
export function runNodeChild<T>(
  script: string,
  options: unknown,
  run: NodeChildOptions,
): Promise<Measured<T>> {
  const child = spawn(
    process.execPath,
    [...(run.nodeFlags ?? []), childPath(script), JSON.stringify(options)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const pid = child.pid;
  return new Promise<Measured<T>>((resolve, reject) => {
    let startCpu: CpuSplit | undefined;
    let startWatched: Record<string, number> = {};
    let startedAt = 0;
    let settled = false;
    let measured: Measured<T> | Error | undefined;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`${script} did not finish within ${run.timeoutMs} ms`)));
      child.kill('SIGKILL');
    }, run.timeoutMs);
    onMessages(child.stdout, script, (message) => {
      if (pid === undefined) return;
      if (message.type === 'start') {
        startCpu = processCpuSplit(pid);
        startWatched = sampleWatched(run.watched);
        startedAt = performance.now();
        run.onStart?.(pid);
      } else if (message.type === 'result') {
        const endCpu = processCpuSplit(pid);
        const watchedCpu = split(difference(sampleWatched(run.watched), startWatched));
        const windowMs = performance.now() - startedAt;
        // Resolved once the child has exited and been reaped, so that its CPU never lands in the
        // reaped-children counters another measurement reads.
        if (startCpu === undefined) measured = new Error(`${script} sent its result before it started`);
        else
          measured = {
            result: message.result as T,
            ...cpuOver(startCpu, endCpu),
            ...watchedCpu,
            windowMs,
          };
        child.stdin.end();
      } else if (message.type === 'error') {
        child.stdin.end();
        finish(() => reject(new Error(`${script} failed: ${message.message}`)));
      }
    });
    child.once('error', (error) => finish(() => reject(error)));
    child.once('exit', (code) =>
      finish(() => {
        if (measured === undefined) reject(new Error(`${script} exited (${code}) without a result`));
        else if (measured instanceof Error) reject(measured);
        else resolve(measured);
      }),
    );
  });
}

/**
 * Runs a native generator that exits when its load is done (wrk). Its CPU is what the kernel charged it
 * when it was reaped (this process's cutime + cstime grow by exactly that), the same counters as above.
 */
export function runNativeChild(
  command: string,
  args: readonly string[],
  watched: readonly Watched[],
): Promise<Measured<string>> {
  const reapedBefore = reapedChildrenCpu();
  const startWatched = sampleWatched(watched);
  const startedAt = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const watchedCpu = split(difference(sampleWatched(watched), startWatched));
      const windowMs = performance.now() - startedAt;
      if (code !== 0) {
        reject(new Error(`${command} exited with ${code}: ${output.trim()}`));
        return;
      }
      resolve({
        result: output,
        ...cpuOver(reapedBefore, reapedChildrenCpu()),
        ...watchedCpu,
        windowMs,
      });
    });
  });
}
