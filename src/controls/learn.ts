import type { LoginSuccess } from '../profile/schema/auth.js';
import type { LoggedOutRule } from '../profile/schema/classify.js';
import type { Answer } from './evidence.js';

/**
 * Learning rules from answers: pure functions of what a control saw. A rule is learned only from a
 * difference between two answers (with and without a session, a right and a wrong password), so that the
 * rule tells them apart by construction; the control then checks it with the real classifier.
 */

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The path a Location names, resolved against the target (`/signin?next=..` -> `/signin`). */
export function locationPath(location: string | undefined, base: string): string | undefined {
  if (location === undefined || !URL.canParse(location, base)) return undefined;
  return new URL(location, base).pathname;
}

/** A Location regex for these paths, on this host or any, with any query: `^(?:https?://[^/]+)?/signin(?:[?#]|$)`. */
export function redirectRegex(paths: readonly string[]): string {
  const alternatives = [...new Set(paths)].sort().map(escapeRegex);
  const group = alternatives.length === 1 ? alternatives[0] : `(?:${alternatives.join('|')})`;
  return `^(?:https?://[^/]+)?${group}(?:[?#]|$)`;
}

function isRedirect(answer: Answer): boolean {
  return answer.status !== undefined && answer.status >= 300 && answer.status < 400;
}

/** A body with its ids, tokens, numbers and times blanked, so two answers to the same state compare equal. */
function normalizedBody(body: string | undefined): string {
  return (body ?? '')
    .replace(/[A-Za-z0-9_\-+/=]{16,}/g, '#')
    .replace(/\d+/g, '#')
    .trim();
}

/** Whether two answers look the same: status, redirect target, and body up to ids and numbers. */
export function sameAnswer(a: Answer, b: Answer, base: string): boolean {
  return (
    a.status === b.status &&
    locationPath(a.location, base) === locationPath(b.location, base) &&
    normalizedBody(a.body) === normalizedBody(b.body)
  );
}

/** Body markers of a logged-out page, most specific first (profile regexes take no flags). */
const bodyMarkers = [
  'type=["\']?password',
  'name=["\']?password',
  '[Nn]ot logged in',
  '[Nn]ot authenticated',
  '[Ll]og ?[Ii]n',
  '[Ss]ign ?[Ii]n',
];

export interface AnswerPair {
  loggedOut: Answer;
  loggedIn: Answer;
}

export type Learned<Rule> = { rule: Rule } | { unexplained: AnswerPair[] };

/**
 * The "not logged in" rule these pairs show: a status the logged-out answer has and the logged-in one does
 * not (4xx), a redirect elsewhere than the logged-in answer, or a body marker only the logged-out page has.
 */
export function learnLoggedOut(pairs: readonly AnswerPair[], base: string): Learned<LoggedOutRule> {
  const statuses = new Set<number>();
  const paths: string[] = [];
  const markers = new Set<string>();
  const unexplained: AnswerPair[] = [];
  for (const pair of pairs) {
    const { loggedOut, loggedIn } = pair;
    const outPath = locationPath(loggedOut.location, base);
    if (isRedirect(loggedOut) && outPath !== undefined && outPath !== locationPath(loggedIn.location, base)) {
      paths.push(outPath);
      continue;
    }
    const status = loggedOut.status;
    if (status !== undefined && status >= 400 && status !== loggedIn.status) {
      statuses.add(status);
      continue;
    }
    const marker = bodyMarkers.find(
      (candidate) =>
        new RegExp(candidate).test(loggedOut.body ?? '') && !new RegExp(candidate).test(loggedIn.body ?? ''),
    );
    if (marker === undefined) unexplained.push(pair);
    else markers.add(marker);
  }
  if (unexplained.length > 0) return { unexplained };
  const rule: LoggedOutRule = { status: [...statuses].sort((a, b) => a - b) };
  if (paths.length > 0) rule.redirectTo = redirectRegex(paths);
  // One marker per rule: the most specific one that every page without a session showed.
  const marker = bodyMarkers.find((candidate) => markers.has(candidate));
  if (markers.size > 1) {
    const all = bodyMarkers.filter((candidate) => markers.has(candidate));
    rule.bodyPattern = all.join('|');
  } else if (marker !== undefined) rule.bodyPattern = marker;
  return { rule };
}

/** A login answer, with the cookies it set that have a value. */
export interface LoginAnswer extends Answer {
  setCookies: readonly string[];
}

/**
 * What a right password's answer has that a wrong one's has not: a redirect elsewhere, a cookie only it
 * sets (the session cookie), or a body marker. Undefined when they cannot be told apart.
 */
export function learnLoginSuccess(
  right: LoginAnswer,
  wrong: LoginAnswer,
  base: string,
): LoginSuccess | undefined {
  const rightPath = locationPath(right.location, base);
  if (isRedirect(right) && rightPath !== undefined) {
    const wrongPath = isRedirect(wrong) ? locationPath(wrong.location, base) : undefined;
    if (wrongPath !== rightPath) return { redirectTo: redirectRegex([rightPath]) };
  }
  const onlyRight = right.setCookies.filter((name) => !wrong.setCookies.includes(name));
  // A login that rotates its CSRF cookie sets it too: the one that looks like a session is the better sign.
  const notCsrf = onlyRight.filter((name) => !/csrf|xsrf/i.test(name));
  const cookie =
    notCsrf.find((name) => /sess|sid|auth|login|token/i.test(name)) ?? notCsrf[0] ?? onlyRight[0];
  if (cookie !== undefined) return { cookie };
  return undefined;
}
