import { setMaxListeners } from 'node:events';
import type { Classifier, RuleNeeds } from '../classify/classify.js';
import { cutShort, type LoginCause, type LoginRecord } from '../classify/record.js';
import { errorCodes } from '../http/error-codes.js';
import type { ReloginPolicy } from '../profile/schema/classify.js';
import { nextRandom } from '../util/random.js';
import type { Mix } from './mix.js';
import { toResponseRecord } from './response-record.js';
import { type HttpContext, headersToKeep, sendAs } from './send.js';
import { clearsCookie, type ServerLifetimes, sessionExpiry } from './session.js';
import type { RecordSink } from './sink.js';
import type { Sleep } from './sleep.js';
import type { VirtualUser } from './virtual-user.js';

/** After a failed re-login a closed-model user waits at least this long, so a dead login page is not hammered. */
const reloginBackoffMs = 250;

export interface TrafficOptions {
  model: 'closed' | 'open';
  thinkTimeMs: number;
  /** Open model: requests per second over all users. */
  rate?: number | undefined;
  durationMs?: number | undefined;
  requests?: number | undefined;
  mix: Mix;
  needs: RuleNeeds;
  relogin: ReloginPolicy;
  /** The server's session lifetimes the profile states (auth.session): answers past them are expiries. */
  lifetimes?: ServerLifetimes;
  context: HttpContext;
  /** Pure, so it is called inline: the re-login policy needs each response's class. */
  classify: Classifier;
  sink: RecordSink;
  logIn: (vu: VirtualUser, cause: LoginCause) => Promise<{ record: LoginRecord }>;
  sleep: Sleep;
  signal: AbortSignal;
}

export interface TrafficResult {
  /** Requests sent (each produced exactly one record), but those an interrupt cut short. */
  sent: number;
  /** Re-login attempts that failed and took a request's place in the budget. */
  failedRelogins: number;
  startedAt: number;
  endedAt: number;
  /**
   * Open model: arrivals that were due before the end but never started because every user was busy. Their
   * absence is what a closed loop would hide; a number above 0 means the users could not keep the rate.
   */
  lateArrivals: number;
}

/** How many arrivals of a schedule `interval` ms apart from `startedAt` are due before `end`. */
function arrivalsBefore(end: number, startedAt: number, interval: number): number {
  const estimate = Math.max(0, Math.ceil((end - startedAt) / interval));
  // The division may land a hair above a whole number: an arrival due exactly at the end is not before it.
  return estimate > 0 && startedAt + (estimate - 1) * interval >= end ? estimate - 1 : estimate;
}

function wantsRelogin(policy: ReloginPolicy, losses: number): boolean {
  if (policy.policy === 'never') return false;
  if (policy.policy === 'relogin') return true;
  return losses >= policy.mismatches;
}

/** Users waiting for work in the open model, first in first out, with one waiter for the next free user. */
class IdleUsers {
  #queue: VirtualUser[] = [];
  #head = 0;
  #waiter: ((vu: VirtualUser | undefined) => void) | undefined;

  constructor(users: readonly VirtualUser[]) {
    this.#queue = [...users];
  }

  put(vu: VirtualUser): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter(vu);
      return;
    }
    this.#queue.push(vu);
  }

  take(signal: AbortSignal): VirtualUser | undefined | Promise<VirtualUser | undefined> {
    if (this.#head < this.#queue.length) {
      const vu = this.#queue[this.#head++];
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      return vu;
    }
    if (signal.aborted) return undefined;
    return new Promise((resolve) => {
      const onAbort = (): void => resolve(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiter = (vu) => {
        signal.removeEventListener('abort', onAbort);
        resolve(vu);
      };
    });
  }
}

/**
 * The traffic phase: logged-in users send requests drawn from the mix until the duration or the request
 * budget runs out. Each response is classified inline and handed to the sink; the class drives the user's
 * re-login policy. The open model schedules arrivals at fixed times and records each request's intended
 * start, so a stalled backend shows in latency instead of silently slowing the schedule.
 */
export async function runTraffic(
  users: readonly VirtualUser[],
  options: TrafficOptions,
): Promise<TrafficResult> {
  const { context, sink, sleep } = options;
  const clock = context.clock;
  const keepHeaders = headersToKeep(options.needs.headers);
  const lifetimes = options.lifetimes ?? {};
  const startedAt = clock.now();
  const endAt = options.durationMs === undefined ? undefined : startedAt + options.durationMs;
  const stop = new AbortController();
  // Every waiting user listens on it: thousands of listeners are expected, not a leak.
  setMaxListeners(0, stop.signal);
  const onAbort = (): void => stop.abort();
  // An interrupt does not wait for the answers in flight (a paused backend's would take the whole timeout):
  // closing the connections ends them at once, and what that cuts short is not counted.
  const onInterrupt = (): void => {
    stop.abort();
    context.connections.close();
  };
  // An interrupt during the login phase has already fired: no `abort` event will come for it.
  if (options.signal.aborted) stop.abort();
  else options.signal.addEventListener('abort', onInterrupt, { once: true });
  const timer = options.durationMs === undefined ? undefined : setTimeout(onAbort, options.durationMs);
  let claimed = 0;
  let failedRelogins = 0;
  let sentCount = 0;
  const claim = (): boolean => {
    if (options.requests !== undefined && claimed >= options.requests) return false;
    claimed += 1;
    return true;
  };
  const running = (now = clock.now()): boolean =>
    !stop.signal.aborted && (endAt === undefined || now < endAt);

  const relogin = async (vu: VirtualUser, cause: LoginCause): Promise<boolean> => {
    const result = await options.logIn(vu, cause);
    // Ended by the run's interrupt: no answer to count, and the user logs in no more.
    if (cutShort(result.record)) return false;
    const { record } = result;
    await sink.onLogin(record);
    vu.pendingRelogin = record.outcome === 'login_ok' ? undefined : cause;
    return record.outcome === 'login_ok';
  };

  /** One unit of work: a pending re-login first, then a request. False when the re-login failed instead. */
  const step = async (vu: VirtualUser, intendedStart: number): Promise<boolean> => {
    if (vu.pendingRelogin !== undefined && !(await relogin(vu, vu.pendingRelogin))) {
      failedRelogins += 1;
      return false;
    }
    const entry = options.mix.pick(nextRandom(vu));
    vu.sent += 1;
    const hadSession = vu.loggedIn;
    const sessionCleared = vu.sessionCleared;
    const sessionExpiresAt = sessionExpiry(vu, lifetimes);
    const sent = await sendAs(
      vu,
      {
        endpoint: entry.endpoint,
        method: entry.method,
        headers: entry.headers,
        body: entry.body,
        keepBody: options.needs.body,
        keepHeaders,
        withToken: true,
        closeAfter: context.connections.closesAfter(vu.sent),
      },
      context,
    );
    if (sent.exchange.errorCode === errorCodes.clientClosed && options.signal.aborted) return true;
    sentCount += 1;
    const record = toResponseRecord(
      vu,
      {
        request: entry.label,
        method: entry.method,
        path: entry.endpoint.path,
        url: entry.endpoint.url,
        intendedStart,
        hadSession,
        sessionExpiresAt,
      },
      sent,
      options.needs,
    );
    if (sessionCleared) record.sessionCleared = true;
    // The server ended the session by clearing its cookie: what the VU sends next carries no session to lose.
    if (
      hadSession &&
      clearsCookie(sent.exchange.headers['set-cookie'], vu.sessionCookies, context.wallNow())
    ) {
      vu.loggedIn = false;
      vu.sessionCleared = true;
    }
    const classification = options.classify(record);
    if (classification.class === 'ok') vu.lastUsedAt = sent.start;
    // Awaiting a sink that did not push back would still cost a turn of the microtask queue per request.
    const pushedBack = sink.onResponse(record, classification);
    if (pushedBack !== undefined) await pushedBack;
    const lost = classification.class;
    // Each answer after a cleared cookie counts toward `after N`, or that policy would never log in again.
    const cleared = classification.reason === 'session_cleared';
    if (lost === 'mismatch' || lost === 'expired' || cleared) {
      vu.losses += 1;
      const cause = lost === 'expired' ? 'expired' : 'mismatch';
      if (wantsRelogin(options.relogin, vu.losses)) await relogin(vu, cause);
    }
    return true;
  };

  const closedUser = async (vu: VirtualUser): Promise<void> => {
    // Users start at a seeded offset within one think time, not all at once: a herd of first requests
    // would queue thousands of them in the client and measure the client, not the balancer.
    if (options.thinkTimeMs > 0) await sleep(nextRandom(vu) * options.thinkTimeMs, stop.signal);
    for (let now = clock.now(); running(now) && claim(); now = clock.now()) {
      const requested = await step(vu, now);
      const pause = requested ? options.thinkTimeMs : Math.max(options.thinkTimeMs, reloginBackoffMs);
      if (pause > 0 && running()) await sleep(pause, stop.signal);
    }
  };

  let lateArrivals = 0;
  const openArrivals = async (): Promise<void> => {
    const interval = 1000 / (options.rate ?? 1);
    const idle = new IdleUsers(users);
    const inFlight = new Set<Promise<void>>();
    let arrival = 0;
    let waitingForUser = false;
    for (; running() && claim(); arrival++) {
      const intendedStart = startedAt + arrival * interval;
      const wait = intendedStart - clock.now();
      if (wait > 0) await sleep(wait, stop.signal);
      if (!running()) break;
      const vu = await idle.take(stop.signal);
      if (vu === undefined) {
        waitingForUser = true;
        break;
      }
      const work = step(vu, intendedStart).then(() => {
        inFlight.delete(work);
        idle.put(vu);
      });
      inFlight.add(work);
    }
    // Only a run that ended while an arrival waited for a user held arrivals back: one that ended on its
    // way to the next arrival time (the run's last, due at its end) kept its schedule.
    if (waitingForUser) {
      const end = Math.min(clock.now(), endAt ?? Number.POSITIVE_INFINITY);
      const due = arrivalsBefore(end, startedAt, interval);
      lateArrivals = Math.max(0, Math.min(due, options.requests ?? due) - arrival);
    }
    await Promise.all(inFlight);
  };

  try {
    if (users.length > 0) {
      if (options.model === 'open') await openArrivals();
      else await Promise.all(users.map(closedUser));
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal.removeEventListener('abort', onInterrupt);
  }
  return { sent: sentCount, failedRelogins, startedAt, endedAt: clock.now(), lateArrivals };
}
