import { expiryClockToleranceMs } from '../../src/classify/classify.js';
import type { ResponseRecord } from '../../src/classify/record.js';
import type { ResponseClass } from '../../src/classify/types.js';
import type { GroundTruthLine } from '../../src/lab/index.js';

/**
 * What a server's own log says of one request: its status, whom it answered as (null: nobody), and, where
 * the log says it, whether the request carried a credential at all.
 */
export type TruthLine = Pick<GroundTruthLine, 'status' | 'user' | 'faultInjected'> & {
  sentCredential?: boolean;
};

/** What the VU knew when it sent the request: a trace line carries the same facts as the record. */
export type TruthRecord = Pick<ResponseRecord, 'status' | 'user' | 'end' | 'hadSession' | 'sessionExpiresAt'>;

/**
 * The class a response deserves according to what the backend knew (its ground-truth log line), decided
 * without the classifier's rules: whom the backend answered as, and whether the credential was valid there.
 * A response without a line came from the balancer itself (no server available): an error if 5xx.
 */
export function classFromTruth(line: TruthLine | undefined, record: TruthRecord): ResponseClass {
  if (record.status === undefined) return 'error';
  if (line === undefined) return record.status >= 500 ? 'error' : 'unexpected';
  if (line.status >= 500) return 'error';
  if (line.faultInjected) return 'wrong_user';
  if (line.user !== null) return line.user === record.user ? 'ok' : 'wrong_user';
  // Nobody was logged in here. Whether that is an expiry is the VU's knowledge (its credential's expiry),
  // within the tolerance the classifier documents for a server's clock that is not ours.
  if (record.sessionExpiresAt !== undefined && record.end >= record.sessionExpiresAt - expiryClockToleranceMs)
    return 'expired';
  // A VU that held a session and sent none had it cleared by the server: counted apart from mismatches.
  if (line.sentCredential === false) return 'unexpected';
  return record.hadSession ? 'mismatch' : 'unexpected';
}
