import type { ResponseClass } from '../classify/types.js';
import { responseClasses } from '../classify/types.js';
import type { MismatchRate, RequestSummary } from './summary.js';
import { wilsonInterval } from './wilson.js';

const zeroClasses = (): Record<ResponseClass, number> =>
  Object.fromEntries(responseClasses.map((name) => [name, 0])) as Record<ResponseClass, number>;

/** The mismatch rate of one set of class counts, with its 95% Wilson interval (null without data). */
export function mismatchRateOf(classes: Readonly<Record<ResponseClass, number>>): MismatchRate {
  const of = classes.ok + classes.mismatch + classes.wrong_user;
  const interval = wilsonInterval(classes.mismatch, of);
  return {
    value: of > 0 ? classes.mismatch / of : null,
    low: interval?.low ?? null,
    high: interval?.high ?? null,
    mismatches: classes.mismatch,
    of,
  };
}

/**
 * Class counts per mix entry (its name, else `METHOD path`): where a mix spans services behind one gateway,
 * the mismatch of each service is a figure of its own. Keys come from the profile's mix, which is bounded
 * (traffic.mix: at most 1,000 entries), so the map is too.
 */
export class RequestTally {
  readonly #byRequest = new Map<string, Record<ResponseClass, number>>();

  response(request: string, responseClass: ResponseClass): void {
    let classes = this.#byRequest.get(request);
    if (classes === undefined) {
      classes = zeroClasses();
      this.#byRequest.set(request, classes);
    }
    classes[responseClass]++;
  }

  /** By name, so that two runs of one profile list them alike. */
  summary(): Record<string, RequestSummary> {
    return Object.fromEntries(
      [...this.#byRequest]
        .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
        .map(([request, classes]) => [
          request,
          {
            total: responseClasses.reduce((sum, name) => sum + classes[name], 0),
            classes: { ...classes },
            mismatchRate: mismatchRateOf(classes),
          },
        ]),
    );
  }
}
