import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type Dispatcher, request } from 'undici';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type Lab, type LabOptions, startLab } from '../../src/lab/index.js';

/** Re-bundles the backend so integration tests run the source under test, not a stale dist/. */
export function bundleBackend(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/lab-bundle.mjs', import.meta.url))]);
}

/** What a test still gives when `defaults` has the rest; any default can be given again. */
export type LabOptionsOver<D> = Omit<LabOptions, keyof D> & Partial<LabOptions>;

/**
 * Labs started by the tests of a file or describe block: registers its hooks (the backend bundled from the
 * source under test before the first test; every lab a test started stopped when that test ends) and gives
 * the function a test starts one with, its options over `defaults`.
 */
export function labPerTest<D extends Partial<LabOptions> = Record<never, never>>(
  defaults?: D,
): (options: LabOptionsOver<D>) => Promise<Lab> {
  const started: Lab[] = [];
  beforeAll(() => bundleBackend());
  afterEach(async () => {
    await Promise.all(started.splice(0).map((lab) => lab.stop()));
  });
  return async (options) => {
    // startLab validates the options: a balancer or sessions mode left out by both is named there.
    const lab = await startLab({ ...defaults, ...options } as LabOptions);
    started.push(lab);
    return lab;
  };
}

/** One lab for all the tests of a file or describe block: started (the backend bundled first) before them, stopped after. */
export function sharedLab(options: LabOptions): () => Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    bundleBackend();
    lab = await startLab(options);
  });
  afterAll(async () => {
    await lab?.stop();
  });
  return () => {
    if (lab === undefined) throw new Error('the lab did not start');
    return lab;
  };
}

export interface Answer {
  status: number;
  backend: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> | undefined;
  requestId: string;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  dispatcher?: Dispatcher;
}

/** One request with a fresh request id (unless the headers carry one), answer parsed; no redirects followed. */
export async function call(url: string, options: CallOptions = {}): Promise<Answer> {
  const requestId = options.headers?.['x-request-id'] ?? randomUUID();
  const response = await request(url, {
    method: options.method ?? 'GET',
    headers: { ...options.headers, 'x-request-id': requestId },
    body: options.body,
    dispatcher: options.dispatcher,
  });
  const text = await response.body.text();
  const backend = response.headers['x-backend-id'];
  return {
    status: response.statusCode,
    backend: typeof backend === 'string' ? backend : undefined,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
    requestId,
  };
}

/** Cookies a response sets, as one Cookie header value (name=value pairs only). */
export function cookieHeader(answer: Answer): string {
  const setCookie = answer.headers['set-cookie'];
  const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return list.map((cookie) => cookie.split(';')[0]).join('; ');
}

export function loginBody(user: string, password = 'chaos'): CallOptions {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password }),
  };
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
