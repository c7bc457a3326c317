import type { LoginCause, LoginOutcome } from '../classify/record.js';
import type { Reason, ResponseClass } from '../classify/types.js';

/**
 * The numbers a run is judged by, under the names the JSON export and thresholds use. A plain JSON value: reports,
 * thresholds and the JSON export read it and nothing else. A ratio that cannot be computed (no data in its
 * denominator) is `null`, never 0, so that "no data" cannot pass a threshold by accident.
 */
export interface Summary {
  counts: Counts;
  /** mismatch / (ok + mismatch + wrong_user), with its 95% Wilson score interval. */
  mismatchRate: MismatchRate;
  /** Responses authenticated as another user; must be 0. */
  wrongUser: number;
  /**
   * The classes and mismatch rate of each mix entry (its name, else `METHOD path`), by name: per service,
   * where the mix spans services behind one gateway. Absent in older results.
   */
  byRequest?: Record<string, RequestSummary>;
  relogins: Relogins;
  /** Requests per known backend (responses whose backend the rules could not read are `counts.unknownBackend`). */
  backendShare: Record<string, BackendShare>;
  /** Largest backend share / mean share over the known backends: 1.0 is even, N means all on one of N. */
  loadSkew: number | null;
  /** Coefficient of variation (population standard deviation / mean) of the requests per known backend. */
  loadCv: number | null;
  /** Mean over VUs of (responses from the VU's most used backend / the VU's responses with a known backend). */
  affinity: number | null;
  /**
   * Backend changes between consecutive responses of the same VU, summed over all VUs, divided by the
   * transitions summed over all VUs (a ratio of sums: every transition weighs the same).
   */
  switchRate: number | null;
  /** Most VUs pinned to one backend / mean VUs pinned per known backend (a VU's pin: its most used backend). */
  pinSkew: number | null;
  /** Latency from each request's intended start to its end, over all responses, with the same per class. */
  latency: Latency;
  throughput: Throughput;
  vus: VuCounts;
  /**
   * How old each session was (ms since its login) when it was first lost to a mismatch outside every chaos
   * window. A narrow spread is a server ending sessions at a fixed lifetime. Absent before schemaVersion 2.
   */
  sessionAgeAtLoss?: SessionAges;
  /**
   * When the traffic phase started on the records' clock (ms from the run's start, as the trace's `start` and
   * `end`); the timeline, the pin map, the impacts and the chaos journal count from it, as the profile's `at`
   * does. Absent in results before schemaVersion 3 (their timeline counts from the run's start).
   */
  trafficStartedAt?: number;
  /** Per-second buckets by response end time, from the traffic phase's start (the login phase is negative). */
  timeline: TimelineBucket[];
  /** Per-VU, per-second backends for the HTML report's pin map; absent in results before schemaVersion 3. */
  pins?: PinMap;
  /** What happened after each chaos event that asked to be tracked. */
  impact: EventImpact[];
}

interface Counts {
  /** Responses and failed requests of the traffic phase (logins apart). */
  total: number;
  classes: Record<ResponseClass, number>;
  /** Why an `error` or `unexpected` happened, where a reason is known. */
  reasons: Record<Reason, number>;
  /** Statuses of the `unexpected` responses (`"404": 3`). */
  unexpectedStatus: Record<string, number>;
  /**
   * Every response by status (`"200": 95`), or by transport error code where no status arrived (`"reset": 2`).
   * Absent in results written before schemaVersion 2.
   */
  statuses?: Record<string, number>;
  /**
   * Responses (and failed requests) that ended outside every chaos impact window, and the errors among them:
   * the errors chaos was not meant to cause. Absent in results written before schemaVersion 2.
   */
  outsideChaos?: { total: number; errors: number };
  logins: Record<LoginOutcome, number>;
  /** Responses (and errors) whose backend the rules could not read. */
  unknownBackend: number;
}

export interface MismatchRate {
  value: number | null;
  low: number | null;
  high: number | null;
  mismatches: number;
  /** The denominator: ok + mismatch + wrong_user. */
  of: number;
}

export interface RequestSummary {
  /** Responses and failed requests of this entry. */
  total: number;
  classes: Record<ResponseClass, number>;
  mismatchRate: MismatchRate;
}

interface Relogins {
  /** Logins made after a VU's first one (any outcome). */
  total: number;
  byCause: Record<Exclude<LoginCause, 'initial'>, number>;
  /** VUs with at least one re-login. */
  usersAffected: number;
  perVuMax: number;
  /** total / VUs known to the run (0 when there are none). */
  perVuMean: number;
}

export interface BackendShare {
  count: number;
  /** count / responses with a known backend. */
  share: number;
  /** VUs whose most used backend this is. */
  pinnedVus: number;
}

/** Milliseconds. All 0 when count is 0. */
export interface LatencyStats {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Milliseconds. All 0 when count is 0. */
export interface SessionAges {
  count: number;
  p10: number;
  p50: number;
  p90: number;
  max: number;
}

interface Latency extends LatencyStats {
  byClass: Record<ResponseClass, LatencyStats>;
}

interface Throughput {
  requests: number;
  /** From the earliest intended start to the latest end among the responses; 0 with no responses. */
  durationMs: number;
  /** requests / duration; 0 when the duration is 0. */
  perSecond: number;
  okPerSecond: number;
}

interface VuCounts {
  /** VUs seen in any record, or announced to the aggregator, whichever is more. */
  total: number;
  /** VUs with at least one response or error record. */
  withResponses: number;
}

export interface TimelineBucket {
  /** Start of the second, in ms from the traffic phase's start (`Summary.trafficStartedAt`). */
  at: number;
  classes: Record<ResponseClass, number>;
  /** Responses per backend, `unknown` included. */
  backends: Record<string, number>;
  logins: number;
  relogins: number;
  /** Latency of the responses that ended in this second (ms); absent in results before schemaVersion 3. */
  latency?: { p50: number; p99: number };
}

/**
 * Which backend answered each sampled VU, second by second (the HTML report's pin map). Bounded: at most 200
 * rows (every `stride`-th VU when the run has more) and 600 columns (`columnMs` > 1000 when the run was longer).
 */
export interface PinMap {
  /** The VU id of each row. */
  vus: number[];
  /** VUs the run had; the rows are every `stride`-th of them when there were more than the row limit. */
  ofVus: number;
  stride: number;
  /** Run clock (ms) where the first column starts. */
  from: number;
  /** The time each column covers (ms). */
  columnMs: number;
  /** Backend names: code n is backends[n - 1]. */
  backends: string[];
  /**
   * Per row, one number per column: low byte 0 for no response, n for backends[n - 1], 255 for an unknown
   * backend (the last response's in the column); plus 256 for a mismatch or wrong user, 512 for a re-login,
   * 1024 for an error in the column.
   */
  cells: number[][];
}

/** Counted over records whose end falls in [at, at + windowMs). */
export interface EventImpact {
  id: string;
  /** When the window opened, in ms from the traffic phase's start. */
  at: number;
  windowMs: number;
  mismatches: number;
  errors: number;
  expired: number;
  wrongUser: number;
  relogins: number;
  /** VUs with a mismatch, error, expired or wrong_user response in the window. */
  vusAffected: number;
  /** Affected VUs that got an `ok` after their first failure in the window (the `ok` may come after the window). */
  vusRecovered: number;
  /**
   * Time from the event to each recovered VU's next `ok`, in ms; all 0 when none recovered. `min` is when the
   * first affected user was served again: after an outage of something every user needs (the session store),
   * the time the service was down, a failover included. Absent in results written before it was kept.
   */
  recovery: { min?: number; p50: number; p90: number; max: number; mean: number };
}
