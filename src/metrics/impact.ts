import type { Histogram } from 'hdr-histogram-js';
import type { ResponseClass } from '../classify/types.js';
import type { LoginRecord } from '../traffic/record.js';
import { latencyStats, newLatencyHistogram, recordLatencyMs } from './latency.js';
import type { EventImpact } from './summary.js';

const failureClasses: ReadonlySet<ResponseClass> = new Set(['mismatch', 'error', 'expired', 'wrong_user']);

/**
 * Follows one chaos event: counts failures and re-logins whose records end in [at, at + windowMs), and for
 * each VU that failed in the window, the time from the event to its first `ok` after that first failure
 * (which may come after the window).
 * Must be registered before records of the window reach the aggregator; memory is one entry per affected VU.
 */
export class ImpactTracker {
  private end: number;
  private cut = false;
  private mismatches = 0;
  private errors = 0;
  private expired = 0;
  private wrongUser = 0;
  private relogins = 0;
  private readonly affected = new Set<number>();
  private readonly waitingForOk = new Set<number>();
  private readonly recovery: Histogram = newLatencyHistogram();
  /** Exact, not from the histogram: the first user served again is the figure a failover is read by. */
  private firstRecoveryMs: number | undefined;

  constructor(
    readonly id: string,
    readonly at: number,
    readonly windowMs: number,
  ) {
    this.end = at + windowMs;
  }

  /**
   * Ends the window early, at `runMs` (the next step of a rolling action was issued then): what follows is
   * that step's impact, so each record counts for one step only.
   */
  endAt(runMs: number): void {
    this.end = Math.max(this.at, Math.min(this.end, runMs));
    this.cut = true;
  }

  /**
   * The action was done only at `runMs` (a restart answers once the target runs again; a script exits after
   * its restart): the window lasts its length from then. A window a later step cut short stays cut.
   */
  endNoSoonerThan(runMs: number): void {
    if (!this.cut) this.end = Math.max(this.end, runMs);
  }

  /** Whether a record ending at `end` falls in the window. */
  covers(end: number): boolean {
    return end >= this.at && end < this.end;
  }

  response(vu: number, responseClass: ResponseClass, end: number): void {
    if (end < this.at) return;
    if (responseClass === 'ok') {
      if (this.waitingForOk.delete(vu)) {
        recordLatencyMs(this.recovery, end - this.at);
        this.firstRecoveryMs = Math.min(this.firstRecoveryMs ?? Number.POSITIVE_INFINITY, end - this.at);
      }
      return;
    }
    if (end >= this.end || !failureClasses.has(responseClass)) return;
    if (responseClass === 'mismatch') this.mismatches++;
    else if (responseClass === 'error') this.errors++;
    else if (responseClass === 'expired') this.expired++;
    else this.wrongUser++;
    if (!this.affected.has(vu)) {
      this.affected.add(vu);
      this.waitingForOk.add(vu);
    }
  }

  login(record: LoginRecord): void {
    if (record.cause !== 'initial' && record.end >= this.at && record.end < this.end) this.relogins++;
  }

  impact(): EventImpact {
    const recovery = latencyStats(this.recovery);
    return {
      id: this.id,
      at: this.at,
      windowMs: this.end - this.at,
      mismatches: this.mismatches,
      errors: this.errors,
      expired: this.expired,
      wrongUser: this.wrongUser,
      relogins: this.relogins,
      vusAffected: this.affected.size,
      vusRecovered: recovery.count,
      recovery: {
        min: this.firstRecoveryMs === undefined ? 0 : Math.round(this.firstRecoveryMs * 1000) / 1000,
        p50: recovery.p50,
        p90: recovery.p90,
        max: recovery.max,
        mean: recovery.mean,
      },
    };
  }
}
