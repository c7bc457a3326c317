import { type ClassifyRules, defaultLoggedOut } from '../profile/schema/classify.js';
import type { Extractor } from '../profile/schema/common.js';
import { errorReasonFor } from './error-reason.js';
import { type CompiledExtractor, compileExtractor, ExtractionSource } from './extract.js';
import type { ResponseRecord } from './record.js';
import { type Classification, unknownBackend } from './types.js';

export type Classifier = (record: ResponseRecord) => Classification;

/** What the engine must keep of each response so that the rules can be applied. */
export interface RuleNeeds {
  /** Lower-cased response header names. */
  headers: string[];
  /** Cookie names. */
  cookies: string[];
  /** Whether any rule reads the body (a body pattern, a JSON path or a regex extractor). */
  body: boolean;
}

/**
 * How much earlier than the VU's own expiry a server may end a session and still count as an expiry: the
 * server's clock is not ours (a Date.now truncated to the millisecond already ends sessions up to 1 ms early,
 * enough to call one answer in a few thousand a mismatch on the lab's 1 s sessions).
 */
export const expiryClockToleranceMs = 50;

/**
 * Compiles the profile's rules once (regexes, a status set, extractors) into a classifier that applies the
 * classes in their order (README, "How responses are classified and measured"): error, expired, mismatch,
 * wrong_user, ok, unexpected.
 *
 * Where that order alone does not decide:
 * - a "not logged in" answer to a VU without a session (its login failed) is `unexpected` with reason
 *   `no_session`: nothing was lost, so it is neither a mismatch nor an expiry; after the server cleared the
 *   VU's session cookie the reason is `session_cleared`, so the two are told apart in the counts;
 * - `expired` needs only the VU's credential to be past its expiry when the answer came back (the server
 *   judged it somewhere between the request's start and end), whether or not the VU still sent it;
 * - an identity that cannot be read (no header, no such JSON path) is not evidence of another user: the
 *   response is `ok` if its status is below 400; "not logged in" is for the loggedOut rules to say;
 * - `wrong_user` is checked on any response that is not an error or "not logged in", whatever its status.
 */
export function compileRules(rules: ClassifyRules): Classifier {
  const loggedOut = rules.loggedOut ?? defaultLoggedOut;
  const loggedOutStatus = new Set(loggedOut.status);
  const redirectTo = loggedOut.redirectTo === undefined ? undefined : new RegExp(loggedOut.redirectTo);
  const bodyPattern = loggedOut.bodyPattern === undefined ? undefined : new RegExp(loggedOut.bodyPattern);
  const readIdentity: CompiledExtractor | undefined =
    rules.identity === undefined ? undefined : compileExtractor(rules.identity);
  const readBackend = compileExtractor(rules.backend);

  const saysLoggedOut = (record: ResponseRecord, status: number): boolean => {
    if (loggedOutStatus.has(status)) return true;
    if (redirectTo !== undefined && status >= 300 && status < 400) {
      const location = record.headers.location;
      if (location !== undefined && redirectTo.test(location)) return true;
    }
    return bodyPattern !== undefined && record.body !== undefined && bodyPattern.test(record.body);
  };

  return (record) => {
    const source = new ExtractionSource(record);
    const backend = readBackend(source) ?? unknownBackend;
    const { status } = record;
    // A failure after the status line (reset, stall, bad chunk mid-body) is an error all the same: the
    // status alone would count a backend killed mid-answer as ok.
    if (status === undefined || record.errorCode !== undefined) {
      return { class: 'error', reason: errorReasonFor(record.errorCode), backend };
    }
    if (status >= 500) return { class: 'error', reason: 'http_5xx', backend };
    if (saysLoggedOut(record, status)) {
      if (
        record.sessionExpiresAt !== undefined &&
        record.end >= record.sessionExpiresAt - expiryClockToleranceMs
      ) {
        return { class: 'expired', backend };
      }
      if (record.hadSession) return { class: 'mismatch', backend };
      return {
        class: 'unexpected',
        reason: record.sessionCleared ? 'session_cleared' : 'no_session',
        backend,
      };
    }
    const identity = readIdentity?.(source);
    if (identity !== undefined && identity !== record.user) return { class: 'wrong_user', backend, identity };
    const responseClass = status < 400 ? 'ok' : 'unexpected';
    return identity === undefined
      ? { class: responseClass, backend }
      : { class: responseClass, backend, identity };
  };
}

/** One-off classification; compile the rules once with `compileRules` when classifying many records. */
export function classify(record: ResponseRecord, rules: ClassifyRules): Classification {
  return compileRules(rules)(record);
}

function addNeeds(needs: RuleNeeds, extractor: Extractor | undefined): void {
  if (extractor === undefined) return;
  if (extractor.from === 'header') needs.headers.push(extractor.name.toLowerCase());
  else if (extractor.from === 'cookie') needs.cookies.push(extractor.name);
  else needs.body = true;
}

export function ruleNeeds(rules: ClassifyRules): RuleNeeds {
  const loggedOut = rules.loggedOut ?? defaultLoggedOut;
  const needs: RuleNeeds = { headers: [], cookies: [], body: loggedOut.bodyPattern !== undefined };
  if (loggedOut.redirectTo !== undefined) needs.headers.push('location');
  addNeeds(needs, rules.identity);
  addNeeds(needs, rules.backend);
  return { headers: [...new Set(needs.headers)], cookies: [...new Set(needs.cookies)], body: needs.body };
}
