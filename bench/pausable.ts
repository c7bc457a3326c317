import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { ChildMessage } from './child.js';
import { processCpuMicros } from './proc.js';
import { childPath, onMessages } from './spawn.js';

/** How long a child may take to answer: a login phase of 50 users, or a count after SIGCONT. */
const answerTimeoutMs = 60_000;

/**
 * A bench child (started with `pausable: true`) that runs only while the parent lets it: stopped with SIGSTOP
 * whenever another generator has the machine, so that generators can take turns every few seconds without
 * being restarted (their JIT stays warm, their users stay logged in, their connections open). On every
 * SIGCONT the child says how many requests it has made so far, which is also the count when it was paused.
 */
export class PausableChild<T> {
  readonly #script: string;
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  readonly #pid: number;
  readonly #messages: ChildMessage[] = [];
  #waiter: ((message: ChildMessage | Error) => void) | undefined;
  #exited: Error | undefined;
  readonly #exit: Promise<void>;

  private constructor(script: string, options: unknown) {
    this.#script = script;
    this.#child = spawn(process.execPath, [childPath(script), JSON.stringify(options)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    if (this.#child.pid === undefined) throw new Error(`${script}: could not start`);
    this.#pid = this.#child.pid;
    onMessages(this.#child.stdout, script, (message) => {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      if (waiter === undefined) this.#messages.push(message);
      else waiter(message);
    });
    this.#exit = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exited = new Error(`${script} exited (${signal ?? code})`);
        this.#waiter?.(this.#exited);
        this.#waiter = undefined;
        resolve();
      });
    });
  }

  /** Starts the child and pauses it the moment its load begins. */
  static async start<T>(script: string, options: object): Promise<PausableChild<T>> {
    const child = new PausableChild<T>(script, { ...options, pausable: true });
    try {
      await child.#expect('start');
      child.pause();
      return child;
    } catch (error) {
      await child.kill();
      throw error;
    }
  }

  /** CPU the kernel has charged the child, user + system, microseconds (frozen while it is paused). */
  get cpuMicros(): number {
    return processCpuMicros(this.#pid);
  }

  pause(): void {
    this.#child.kill('SIGSTOP');
  }

  /** Lets it run again; resolves with the requests it had made by the time it was paused. */
  async resume(): Promise<number> {
    const count = this.#expect('count');
    this.#child.kill('SIGCONT');
    return (await count).requests;
  }

  /**
   * Lets it run and asks it to end its load. Resolves with the requests it had made when it was last paused,
   * and with its result once it has exited.
   */
  async finish(): Promise<{ requests: number; result: T }> {
    const requests = await this.resume();
    this.#child.stdin.write('stop\n');
    const { result } = await this.#expect('result');
    this.#child.stdin.end();
    await this.#exit;
    return { requests, result: result as T };
  }

  /** Ends it whatever it is doing (SIGKILL reaches a stopped process too). */
  async kill(): Promise<void> {
    if (this.#exited !== undefined) return;
    this.#child.kill('SIGKILL');
    await this.#exit;
  }

  async #expect<K extends ChildMessage['type']>(type: K): Promise<Extract<ChildMessage, { type: K }>> {
    const message = await this.#next();
    if (message.type === 'error') throw new Error(`${this.#script} failed: ${message.message}`);
    if (message.type !== type) throw new Error(`${this.#script}: expected ${type}, got ${message.type}`);
    return message as Extract<ChildMessage, { type: K }>;
  }

  #next(): Promise<ChildMessage> {
    const queued = this.#messages.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#exited !== undefined) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`${this.#script}: no answer within ${answerTimeoutMs} ms`));
      }, answerTimeoutMs);
      this.#waiter = (message) => {
        clearTimeout(timer);
        if (message instanceof Error) reject(message);
        else resolve(message);
      };
    });
  }
}
