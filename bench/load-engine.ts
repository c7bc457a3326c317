import { Http1Agent } from '../src/http/agent.js';
import { resolvePlan } from '../src/profile/load.js';
import { runPipeline } from '../src/run/pipeline.js';
import { announce, obeyParent, type PausableLoad, runChild } from './child.js';
import { answerOffline } from './offline-agent.js';

export interface EngineOptions extends PausableLoad {
  url: string;
  users: number;
  durationSeconds: number;
  password: string;
  /** Open model when set: requests per second over all users. */
  rate?: number;
  /** Collect garbage (node --expose-gc) before reading RSS after the login phase. */
  gcBeforeTraffic?: boolean;
  /** No network: answers come from a stand-in for the lab (`answerOffline`), `url` is never connected to. */
  offline?: boolean;
  /** `target.client`: the engine's own HTTP/1.1 client (the default) or undici, the reference path. */
  client?: 'engine' | 'undici';
}

/**
 * session-chaos's whole run pipeline with everything on: a cookie jar per user, login, classification
 * (logged-out rules, identity, backend) inline, and the metrics aggregator. The profile is what a user
 * would write; only the password comes from the environment, as in real use.
 */
export function benchProfile(options: EngineOptions): string {
  const traffic =
    options.rate === undefined
      ? { model: 'closed', thinkTime: '0ms' }
      : { model: 'open', rate: options.rate };
  return JSON.stringify({
    // A paused child's requests wait out the other generators' turns: they must not time out meanwhile.
    target: {
      url: options.url,
      timeout: options.pausable ? '120s' : '10s',
      ...(options.client === undefined ? {} : { client: options.client }),
    },
    auth: {
      mode: 'cookie',
      login: { url: '/login', format: 'form' },
      credentials: { username: 'user{i}', password: '${BENCH_PASSWORD}' },
    },
    traffic: {
      users: options.users,
      duration: `${options.durationSeconds}s`,
      ...traffic,
      login: { concurrency: Math.min(options.users, 200) },
      mix: [{ path: '/me' }],
    },
    classify: {
      loggedOut: { status: [401, 403], redirectTo: '^/login' },
      identity: { from: 'header', name: 'x-user' },
      backend: { from: 'header', name: 'x-backend-id' },
    },
    relogin: 'relogin',
  });
}

export interface EngineResult {
  requests: number;
  durationMs: number;
  /** Every class but `ok`: all should be 0 against a lab whose sessions are valid everywhere. */
  bad: number;
  loggedIn: number;
  /** Open model: arrivals due before the end that never started because every user was busy. */
  lateArrivals: number;
  latency: { p50: number; p90: number; p99: number; max: number };
  backendShare: Record<string, number>;
  /** After the login phase and at the end of the run (bytes). */
  rssAfterLogin: number;
  maxRss: number;
  /**
   * The live JS heap after the login phase (bytes, after the GC when it is exposed): the users' state alone.
   * RSS also holds the heap V8 keeps committed after the login phase's garbage, which varies from run to run.
   */
  heapAfterLogin: number;
}

/**
 * Counts the requests every agent of this process sends, for a pausable run: a wrapper around one method
 * call, where another record sink would make the engine fan every record out to two.
 */
function countRequests(): () => number {
  let sent = 0;
  const send = Http1Agent.prototype.send;
  Http1Agent.prototype.send = function (this: Http1Agent, ...args: Parameters<Http1Agent['send']>) {
    sent += 1;
    send.apply(this, args);
  };
  return () => sent;
}

await runChild<EngineOptions>(async (options) => {
  if (options.offline) answerOffline(options.password);
  const plan = resolvePlan('bench', benchProfile(options), {
    env: { BENCH_PASSWORD: options.password },
  });
  const stop = new AbortController();
  if (options.pausable) obeyParent(countRequests(), () => stop.abort());
  let rssAfterLogin = 0;
  let heapAfterLogin = 0;
  const { run: result, fault } = await runPipeline(plan, {
    signal: stop.signal,
    log: (line) => {
      if (!line.startsWith('traffic phase')) return;
      const gc = (globalThis as { gc?: () => void }).gc;
      if (options.gcBeforeTraffic && gc !== undefined) gc();
      const memory = process.memoryUsage();
      rssAfterLogin = memory.rss;
      heapAfterLogin = memory.heapUsed;
      announce({ type: 'start' });
    },
  });
  if (result === undefined) throw fault;
  const { classes } = result.summary.counts;
  const loaded: EngineResult = {
    requests: result.traffic.sent,
    durationMs: result.traffic.endedAt - result.traffic.startedAt,
    bad: result.summary.counts.total - classes.ok,
    loggedIn: result.loggedIn,
    lateArrivals: result.traffic.lateArrivals,
    latency: {
      p50: result.summary.latency.p50,
      p90: result.summary.latency.p90,
      p99: result.summary.latency.p99,
      max: result.summary.latency.max,
    },
    backendShare: Object.fromEntries(
      Object.entries(result.summary.backendShare).map(([name, share]) => [name, share.count]),
    ),
    rssAfterLogin,
    heapAfterLogin,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
  return loaded;
});
