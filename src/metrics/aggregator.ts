import type { Histogram } from 'hdr-histogram-js';
import type { LoginCause, LoginOutcome, LoginRecord, ResponseRecord } from '../classify/record.js';
import {
  type Classification,
  type Reason,
  type ResponseClass,
  reasons,
  responseClasses,
  unknownBackend,
} from '../classify/types.js';
import { ImpactTracker } from './impact.js';
import { mergedLatency, newLatencyHistogram, recordLatencyMs, SecondLatency } from './latency.js';
import { PinTracker } from './pins.js';
import { RequestTally } from './requests.js';
import { VuTable } from './vu-table.js';

export interface AggregatorOptions {
  /** The VUs the run has, so that VUs that never got a response still count (in re-login means). */
  vus?: number;
  /**
   * Distinct backend names tracked one by one; further names count as unknown. A guard against a backend
   * rule that reads something per request (a session id) and would grow per-VU columns without bound.
   */
  maxBackends?: number;
  /** Backends known to stand behind the balancer: counted from the start, so one that never answers has share 0. */
  expectedBackends?: readonly string[];
}

/** Counts for one second of the run. */
export interface TimelineCounts {
  classes: Record<ResponseClass, number>;
  /** Responses per backend index (see `Aggregates.backends`). */
  backends: number[];
  unknownBackend: number;
  logins: number;
  relogins: number;
  /** The latency of the responses that ended in this second. */
  latency: SecondLatency;
}

/** Everything the summary is computed from; read-only views into the aggregator's state. */
export interface Aggregates {
  classes: Readonly<Record<ResponseClass, number>>;
  reasons: Readonly<Record<Reason, number>>;
  unexpectedStatus: ReadonlyMap<number, number>;
  /** Every response by its status, or by the transport error code when none arrived. */
  statuses: ReadonlyMap<string, number>;
  /** Responses that ended outside every chaos impact window, and the errors among them. */
  outsideChaos: Readonly<{ total: number; errors: number }>;
  logins: Readonly<Record<LoginOutcome, number>>;
  reloginsByCause: Readonly<Record<Exclude<LoginCause, 'initial'>, number>>;
  unknownBackend: number;
  /** Known backend names, by index. */
  backends: readonly string[];
  backendCounts: readonly number[];
  vus: VuTable;
  announcedVus: number;
  /** Backend changes between consecutive known-backend responses of a VU, summed over VUs. */
  switches: number;
  /** Pairs of consecutive known-backend responses of a VU, summed over VUs. */
  transitions: number;
  latency: { overall: Histogram; byClass: Readonly<Record<ResponseClass, Histogram>> };
  /** Each session's age (ms since its login) at its first mismatch outside every chaos window. */
  sessionAgeAtLoss: Histogram;
  /** Earliest intended start and latest end among responses; undefined before the first. */
  span: { first: number; last: number } | undefined;
  /**
   * When the traffic phase started, on the records' clock (0 until it starts): the origin of the timeline, the
   * pin map and the impacts, as of the profile's `at` and the chaos journal.
   */
  trafficStart: number;
  /** Keyed by the second from the traffic phase's start (floor((end - trafficStart) / 1000); the login phase is negative). */
  timeline: ReadonlyMap<number, TimelineCounts>;
  impacts: readonly ImpactTracker[];
  pins: PinTracker;
  byRequest: RequestTally;
}

/**
 * A second's latency stays a histogram until answers end this many seconds after it; then only its figures
 * are kept. Records reach the aggregator as their exchanges end, so none is expected that late.
 */
const secondsOpen = 3;

const zeroClasses = (): Record<ResponseClass, number> =>
  Object.fromEntries(responseClasses.map((name) => [name, 0])) as Record<ResponseClass, number>;

/**
 * The metrics sink: consumes classified response records and login records in one pass, keeping counters,
 * per-VU typed arrays, HDR histograms and per-second buckets; never a list of requests.
 */
export class MetricsAggregator {
  private readonly classes = zeroClasses();
  private readonly reasons = Object.fromEntries(reasons.map((name) => [name, 0])) as Record<Reason, number>;
  private readonly unexpectedStatus = new Map<number, number>();
  private readonly statuses = new Map<string, number>();
  private readonly outsideChaos = { total: 0, errors: 0 };
  private readonly logins: Record<LoginOutcome, number> = { login_ok: 0, login_failed: 0, login_error: 0 };
  private readonly reloginsByCause = { mismatch: 0, expired: 0 };
  private unknownBackend = 0;
  private readonly backends: string[] = [];
  private readonly backendIndex = new Map<string, number>();
  private readonly backendCounts: number[] = [];
  private readonly vus: VuTable;
  private readonly announcedVus: number;
  private readonly maxBackends: number;
  private switches = 0;
  private transitions = 0;
  private readonly classLatency = Object.fromEntries(
    responseClasses.map((name) => [name, newLatencyHistogram()]),
  ) as Record<ResponseClass, Histogram>;
  private readonly sessionAgeAtLoss = newLatencyHistogram();
  private firstStart = Number.POSITIVE_INFINITY;
  private lastEnd = Number.NEGATIVE_INFINITY;
  private readonly timeline = new Map<number, TimelineCounts>();
  /** Seconds whose latency is still a histogram, and the newest second seen. */
  private unsealed: number[] = [];
  private newestSecond = Number.NEGATIVE_INFINITY;
  private trafficStart: number | undefined;
  /** Login ends seen before the traffic phase started: bucketed again from its start once that is known. */
  private loginEndsBeforeTraffic: number[] = [];
  private readonly impacts: ImpactTracker[] = [];
  private readonly pins: PinTracker;
  private readonly byRequest = new RequestTally();

  constructor(options: AggregatorOptions = {}) {
    this.announcedVus = options.vus ?? 0;
    this.maxBackends = options.maxBackends ?? 64;
    // Backend indexes live in an Int16Array per VU.
    if (!Number.isInteger(this.maxBackends) || this.maxBackends < 1 || this.maxBackends > 0x7fff) {
      throw new RangeError(`maxBackends: expected an integer from 1 to ${0x7fff}, got ${this.maxBackends}`);
    }
    this.vus = new VuTable(this.announcedVus);
    this.pins = new PinTracker(this.announcedVus);
    for (const name of options.expectedBackends ?? []) this.backendIndexOf(name);
  }

  response(record: ResponseRecord, classification: Classification): void {
    const { vu } = record;
    const responseClass = classification.class;
    this.vus.touch(vu);
    this.vus.responses[vu] = (this.vus.responses[vu] ?? 0) + 1;

    this.classes[responseClass]++;
    this.byRequest.response(record.request, responseClass);
    if (classification.reason !== undefined) this.reasons[classification.reason]++;
    if (responseClass === 'unexpected' && record.status !== undefined) {
      this.unexpectedStatus.set(record.status, (this.unexpectedStatus.get(record.status) ?? 0) + 1);
    }

    const status = record.errorCode ?? String(record.status);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);

    const bucket = this.bucket(record.end);
    bucket.classes[responseClass]++;
    const backend = this.backendIndexOf(classification.backend);
    if (backend === undefined) {
      this.unknownBackend++;
      bucket.unknownBackend++;
    } else {
      this.countBackend(vu, backend);
      bucket.backends[backend] = (bucket.backends[backend] ?? 0) + 1;
    }

    const latencyMs = record.end - record.intendedStart;
    recordLatencyMs(this.classLatency[responseClass], latencyMs);
    bucket.latency.record(latencyMs);
    this.pins.response(vu, record.end - (this.trafficStart ?? 0), backend, responseClass);
    this.firstStart = Math.min(this.firstStart, record.intendedStart);
    this.lastEnd = Math.max(this.lastEnd, record.end);

    let inChaos = false;
    for (const tracker of this.impacts) {
      tracker.response(vu, responseClass, record.end);
      inChaos ||= tracker.covers(record.end);
    }
    if (!inChaos) {
      this.outsideChaos.total++;
      if (responseClass === 'error') this.outsideChaos.errors++;
    }
    if (responseClass === 'mismatch') {
      // A session is lost once: its age then says whether the server ends sessions at a fixed lifetime.
      const since = this.vus.sessionStart[vu] ?? Number.NaN;
      if (!inChaos && !Number.isNaN(since)) recordLatencyMs(this.sessionAgeAtLoss, record.end - since);
      this.vus.sessionStart[vu] = Number.NaN;
    }
  }

  login(record: LoginRecord): void {
    this.vus.touch(record.vu);
    this.logins[record.outcome]++;
    if (record.outcome === 'login_ok') this.vus.sessionStart[record.vu] = record.end;
    const bucket = this.bucket(record.end);
    bucket.logins++;
    if (this.trafficStart === undefined) this.loginEndsBeforeTraffic.push(record.end);
    if (record.cause !== 'initial') {
      this.reloginsByCause[record.cause]++;
      this.vus.relogins[record.vu] = (this.vus.relogins[record.vu] ?? 0) + 1;
      bucket.relogins++;
      this.pins.relogin(record.vu, record.end - (this.trafficStart ?? 0));
    }
    for (const tracker of this.impacts) tracker.login(record);
  }

  /**
   * The traffic phase starts at `at` (run clock, ms): from here on every time the summary gives counts from it,
   * so that the timeline, the pin map and the impacts share the chaos journal's origin. Before it only logins
   * reach the timeline; they are bucketed again, at negative seconds.
   */
  startTraffic(at: number): void {
    if (this.trafficStart !== undefined) return;
    this.trafficStart = at;
    // The seconds count from a new origin now: what came before is over.
    for (const second of this.unsealed) this.timeline.get(second)?.latency.seal();
    this.unsealed = [];
    this.newestSecond = Number.NEGATIVE_INFINITY;
    for (const [second, bucket] of this.timeline) {
      bucket.logins = 0;
      if (Object.values(bucket.classes).every((count) => count === 0)) this.timeline.delete(second);
    }
    for (const end of this.loginEndsBeforeTraffic) this.bucket(end).logins++;
    this.loginEndsBeforeTraffic = [];
  }

  /**
   * Starts following a chaos event at `at` (run clock, ms): call it before the records of the window arrive,
   * that is when the action is issued. Its impact appears in the summary under `impact`.
   */
  trackEvent(id: string, at: number, windowMs: number): ImpactTracker {
    const tracker = new ImpactTracker(id, at, windowMs);
    this.impacts.push(tracker);
    return tracker;
  }

  aggregates(): Aggregates {
    return {
      classes: this.classes,
      reasons: this.reasons,
      unexpectedStatus: this.unexpectedStatus,
      statuses: this.statuses,
      outsideChaos: this.outsideChaos,
      logins: this.logins,
      reloginsByCause: this.reloginsByCause,
      unknownBackend: this.unknownBackend,
      backends: this.backends,
      backendCounts: this.backendCounts,
      vus: this.vus,
      announcedVus: this.announcedVus,
      switches: this.switches,
      transitions: this.transitions,
      // Every response is in exactly one class: the overall histogram is their sum, not a second record.
      latency: { overall: mergedLatency(Object.values(this.classLatency)), byClass: this.classLatency },
      sessionAgeAtLoss: this.sessionAgeAtLoss,
      trafficStart: this.trafficStart ?? 0,
      span: this.lastEnd >= this.firstStart ? { first: this.firstStart, last: this.lastEnd } : undefined,
      timeline: this.timeline,
      impacts: this.impacts,
      pins: this.pins,
      byRequest: this.byRequest,
    };
  }

  private backendIndexOf(name: string): number | undefined {
    if (name === unknownBackend) return undefined;
    const known = this.backendIndex.get(name);
    if (known !== undefined || this.backends.length >= this.maxBackends) return known;
    const index = this.backends.length;
    this.backends.push(name);
    this.backendIndex.set(name, index);
    this.backendCounts.push(0);
    this.vus.addBackend();
    return index;
  }

  private countBackend(vu: number, backend: number): void {
    this.backendCounts[backend] = (this.backendCounts[backend] ?? 0) + 1;
    const column = this.vus.perBackend[backend];
    if (column !== undefined) column[vu] = (column[vu] ?? 0) + 1;
    const last = this.vus.lastBackend[vu] ?? -1;
    if (last >= 0) {
      this.transitions++;
      if (last !== backend) this.switches++;
    }
    this.vus.lastBackend[vu] = backend;
  }

  private bucket(end: number): TimelineCounts {
    const second = Math.floor((end - (this.trafficStart ?? 0)) / 1000);
    let bucket = this.timeline.get(second);
    if (bucket === undefined) {
      bucket = {
        classes: zeroClasses(),
        backends: [],
        unknownBackend: 0,
        logins: 0,
        relogins: 0,
        latency: new SecondLatency(),
      };
      this.timeline.set(second, bucket);
      this.unsealed.push(second);
      if (second > this.newestSecond) {
        this.newestSecond = second;
        this.sealBefore(second - secondsOpen);
      }
    }
    return bucket;
  }

  private sealBefore(last: number): void {
    if (this.unsealed.every((second) => second > last)) return;
    this.unsealed = this.unsealed.filter((second) => {
      if (second > last) return true;
      this.timeline.get(second)?.latency.seal();
      return false;
    });
  }
}
