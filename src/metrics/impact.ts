import type { Histogram } from 'hdr-histogram-js';
import type { LoginRecord } from '../classify/record.js';
import type { ResponseClass } from '../classify/types.js';
import { latencyStats, newLatencyHistogram, recordLatencyMs } from './latency.js';
import type { EventImpact } from './summary.js';

const failureClasses: ReadonlySet<ResponseClass> = new Set(['mismatch', 'error', 'expired', 'wrong_user']);

/**
 * Follows one chaos action: counts failures and re-logins whose records end in its window, and for each VU
 * that failed in the window, the time from the action to its first `ok` after that first failure (which may
 * come after the window).
 *
 * The window opens when the action is issued (a restart's first errors are its stop's) and stays open while
 * the action's effect lasts; once it is over (`over`: the target back, or the action done when nothing brings
 * it back) it closes `windowMs` after that. While it is open every record that ends reaches it before the
 * effect is over, so it belongs to the window whatever the end turns out to be: nothing is counted twice or
 * dropped, however long the action takes (an exec that sleeps before it restarts anything).
 * Must be registered before records of the window reach the aggregator; memory is one entry per affected VU.
 */
export class ImpactTracker {
  /** Infinity while the effect lasts. */
  private end = Number.POSITIVE_INFINITY;
  private cutAt = Number.POSITIVE_INFINITY;
  /** The latest record end counted from `at`: the window's reach when the run ended before the effect did. */
  private latest: number;
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
    this.latest = at;
  }

  /** The action's effect was over at `runMs`: the window closes `windowMs` later (or where a cut puts it). */
  over(runMs: number): void {
    this.end = Math.min(this.cutAt, Math.max(this.at, runMs) + this.windowMs);
  }

  /**
   * Ends the window at `runMs` at the latest (the next step of a rolling action was issued then): what follows
   * is that step's impact, so each record counts for one step only.
   */
  endAt(runMs: number): void {
    this.cutAt = Math.max(this.at, Math.min(this.cutAt, runMs));
    this.end = Math.min(this.end, this.cutAt);
  }

  /** Whether a record ending at `end` falls in the window. */
  covers(end: number): boolean {
    return end >= this.at && end < this.end;
  }

  response(vu: number, responseClass: ResponseClass, end: number): void {
    if (end < this.at) return;
    this.latest = Math.max(this.latest, end);
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
    if (record.cause !== 'initial' && this.covers(record.end)) this.relogins++;
  }

  impact(): EventImpact {
    const recovery = latencyStats(this.recovery);
    return {
      id: this.id,
      at: this.at,
      // Still open when the run ended (an action under way past the drain budget): as far as records went.
      windowMs: (Number.isFinite(this.end) ? this.end : this.latest) - this.at,
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
