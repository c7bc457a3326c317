import { describe, expect, it } from 'vitest';
import type { Classification } from '../../src/classify/types.js';
import { backendHeaderAdvice } from '../../src/findings/advice.js';
import { deriveFindings, findingRules } from '../../src/findings/rules.js';
import type { FindingsInput } from '../../src/findings/types.js';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { Summary } from '../../src/metrics/summary.js';
import { loginRecord, responseRecord } from '../helpers/records.js';

const listed = ['app1', 'app2', 'app3'];

interface Scripted {
  /** The backend of VU `vu`'s `step`th request, and its class. */
  answer: (vu: number, step: number) => Classification;
  users?: number;
  steps?: number;
  /** A chaos action followed from this time (ms), for this long. */
  chaos?: { at: number; windowMs: number };
  backends?: readonly string[];
}

/** A run of `users` VUs, one request each every 100 ms, logged in at 0, summarized by the real metrics. */
function scriptedSummary(script: Scripted): Summary {
  const users = script.users ?? 12;
  const aggregator = new MetricsAggregator({ vus: users, expectedBackends: script.backends ?? listed });
  for (let vu = 1; vu <= users; vu++) aggregator.login(loginRecord({ vu, user: `user${vu}`, end: 0 }));
  if (script.chaos !== undefined)
    aggregator.trackEvent('chaos-1', script.chaos.at, script.chaos.windowMs).over(script.chaos.at);
  for (let step = 0; step < (script.steps ?? 50); step++) {
    for (let vu = 1; vu <= users; vu++) {
      const start = step * 100 + vu;
      const classification = script.answer(vu, step);
      const failed = classification.class === 'error';
      aggregator.response(
        responseRecord({
          vu,
          user: `user${vu}`,
          intendedStart: start,
          start,
          end: start + 5,
          ...(failed ? { status: 502 } : classification.class === 'mismatch' ? { status: 401 } : {}),
        }),
        classification,
      );
    }
  }
  return summarize(aggregator.aggregates());
}

const pinnedBackend = (vu: number): string => listed[vu % listed.length] ?? 'app1';

/** Cookie stickiness over memory sessions, nothing wrong: every user on its own backend, every answer ok. */
const cleanSticky = (): Summary =>
  scriptedSummary({ answer: (vu) => ({ class: 'ok', backend: pinnedBackend(vu) }) });

/**
 * Clean stickiness, but a chaos action at 2 s (a 1 s window) makes the 3 requests of app2's users
 * from 2 s on fail with `reason`; they are ok again after.
 */
const errorsWhileApp2Restarts = (reason: Classification['reason']): Summary =>
  scriptedSummary({
    chaos: { at: 2000, windowMs: 1000 },
    answer: (vu, step) =>
      pinnedBackend(vu) === 'app2' && step >= 20 && step < 23
        ? { class: 'error', reason, backend: 'unknown' }
        : { class: 'ok', backend: pinnedBackend(vu) },
  });

function input(summary: Summary, overrides: Partial<FindingsInput> = {}): FindingsInput {
  return { summary, listedBackends: listed, sourceAddressesSpread: false, chaosActions: [], ...overrides };
}

const rulesOf = (summary: Summary, overrides: Partial<FindingsInput> = {}) =>
  deriveFindings(input(summary, overrides)).map((found) => found.rule);

describe('the findings rules', () => {
  it('find nothing in a clean sticky run', () => {
    expect(deriveFindings(input(cleanSticky()))).toEqual([]);
    // Nor with spread addresses, or without a list of backends.
    expect(deriveFindings(input(cleanSticky(), { sourceAddressesSpread: true, listedBackends: [] }))).toEqual(
      [],
    );
  });

  it('find nothing in a clean sticky run whose restart caused a few errors and lost no session... but the errors', () => {
    const summary = errorsWhileApp2Restarts('http_5xx');
    expect(rulesOf(summary)).toEqual(['errors-during-chaos']);
  });

  it('not sticky and not shared: round robin over memory sessions', () => {
    const summary = scriptedSummary({
      answer: (vu, step) => {
        const backend = listed[(vu + step) % listed.length] ?? 'app1';
        return { class: backend === pinnedBackend(vu) ? 'ok' : 'mismatch', backend };
      },
    });
    const [found] = deriveFindings(input(summary));
    expect(found).toMatchObject({ rule: 'not-sticky-not-shared', severity: 'critical' });
    expect(found?.text).toMatch(
      /^Not sticky and not shared: .*\(100% of consecutive requests changed backend\)/,
    );
    expect(found?.text).toContain('(66% of authenticated answers were mismatches)');
    expect(found?.evidence).toMatchObject({ switchRate: 1 });
    expect(found?.evidence.mismatchRate).toBeCloseTo(2 / 3, 1);
    // Round robin spreads the users evenly: no other rule has cause.
    expect(rulesOf(summary)).toEqual(['not-sticky-not-shared']);
  });

  it('round robin over replicated sessions whose lag loses a few first requests is not "not shared"', () => {
    // As the demo's clustering run measured: most requests change backend, a few (here 10%) are mismatches.
    const summary = scriptedSummary({
      answer: (vu, step) => {
        const backend = listed[(vu + step) % listed.length] ?? 'app1';
        return { class: step % 10 === 1 ? 'mismatch' : 'ok', backend };
      },
    });
    expect(summary.mismatchRate.value).toBeGreaterThan(0.05);
    expect(rulesOf(summary)).toEqual([]);
  });

  it('sessions lost wholesale where no answer names its backend: round robin behind a balancer that says nothing', () => {
    // As above, but the rules read no backend: every answer's backend is unknown.
    const summary = scriptedSummary({
      answer: (vu, step) => ({
        class: (vu + step) % listed.length === vu % listed.length ? 'ok' : 'mismatch',
        backend: 'unknown',
      }),
    });
    expect(summary.switchRate).toBeNull();
    const found = deriveFindings(input(summary));
    // Not "fewer backends than listed" either: nothing is known of which answered.
    expect(found.map((entry) => entry.rule)).toEqual(['sessions-lost-backend-unseen']);
    expect(found[0]?.severity).toBe('critical');
    expect(found[0]?.text).toMatch(
      /^Sessions were lost wholesale: 66% of authenticated answers were mismatches \(396 of 600\), a rate that means the sessions are neither pinned to the backend that holds them nor shared/,
    );
    expect(found[0]?.text).toContain('cannot be measured');
    expect(found[0]?.evidence).toMatchObject({ mismatches: 396, authenticated: 600 });
    expect(found[0]?.advice).toEqual(backendHeaderAdvice);
  });

  it('a run whose answers name no backend says stickiness cannot be measured, and how to add a header', () => {
    const summary = scriptedSummary({ answer: () => ({ class: 'ok', backend: 'unknown' }) });
    const found = deriveFindings(input(summary));
    expect(found.map((entry) => entry.rule)).toEqual(['stickiness-not-measured']);
    expect(found[0]).toMatchObject({ severity: 'info', evidence: { unknownBackend: 600 } });
    expect(found[0]?.text).toMatch(
      /^Stickiness cannot be measured: none of the 600 answers said which backend/,
    );
    const advice = found[0]?.advice?.join('\n') ?? '';
    for (const balancer of ['HAProxy', 'nginx', 'Caddy', 'Apache', 'Traefik', 'Envoy'])
      expect(advice).toContain(`${balancer}:`);
    // A few lost sessions (a restart) are no cause for more.
    const restart = scriptedSummary({
      answer: (vu, step) => ({ class: step === 20 && vu < 4 ? 'mismatch' : 'ok', backend: 'unknown' }),
    });
    expect(rulesOf(restart)).toEqual(['stickiness-not-measured']);
  });

  it('errors that name no backend (a balancer 502) do not make a measured run unmeasured', () => {
    const summary = scriptedSummary({
      answer: (vu, step) =>
        step === 5
          ? { class: 'error', reason: 'http_5xx', backend: 'unknown' }
          : { class: 'ok', backend: pinnedBackend(vu) },
    });
    expect(summary.counts.unknownBackend).toBe(12);
    expect(rulesOf(summary)).toEqual([]);
  });

  it('pinned, but not where the session is: a hash of the session cookie routes the login elsewhere', () => {
    const summary = scriptedSummary({
      answer: (vu) => ({ class: 'mismatch', backend: listed[(vu + 1) % listed.length] ?? 'app1' }),
    });
    const found = deriveFindings(input(summary));
    expect(found.map((entry) => entry.rule)).toEqual(['pinned-elsewhere']);
    expect(found[0]?.text).toMatch(
      /^Users are pinned, but not to the backend that holds their session: 100% /,
    );
    expect(found[0]?.evidence).toEqual({ affinity: 1, switchRate: 0, mismatchRate: 1 });
  });

  it('every user on one backend: an address hash seeing one client address', () => {
    const summary = scriptedSummary({ answer: () => ({ class: 'ok', backend: 'app1' }) });
    const found = deriveFindings(input(summary));
    expect(found.map((entry) => entry.rule)).toEqual(['one-backend', 'fewer-backends-than-listed']);
    expect(found[0]?.text).toContain('app1 answered 100% of the requests of 12 users, app2 and app3 none');
    expect(found[0]?.text).toContain('traffic.sourceAddresses is not set');
    expect(found[0]?.evidence).toEqual({ share: 1, backends: 3, users: 12 });
    const spread = deriveFindings(input(summary, { sourceAddressesSpread: true }));
    expect(spread[0]?.text).toContain('sees the spread client addresses');
  });

  it('fewer backends answered than listed, and load skew counts the silent one', () => {
    const summary = scriptedSummary({
      answer: (vu) => ({ class: 'ok', backend: vu % 2 === 0 ? 'app1' : 'app2' }),
    });
    // Two backends share the load evenly; the third of the three listed answered nothing: 1.5, not 1.
    expect(summary.loadSkew).toBeCloseTo(1.5, 5);
    const found = deriveFindings(input(summary));
    expect(found.map((entry) => entry.rule)).toEqual(['fewer-backends-than-listed']);
    expect(found[0]?.text).toBe(
      'Fewer backends answered than listed: 2 of 3 (app3 answered nothing). Load skew (1.50) counts them.',
    );
    expect(found[0]?.evidence).toEqual({ listed: 3, answered: 2, unlisted: 0 });
  });

  it('names the backends that answered without being listed (the list and the rule disagree)', () => {
    const summary = scriptedSummary({
      backends: listed,
      answer: (vu) => ({ class: 'ok', backend: `lab-${pinnedBackend(vu)}` }),
    });
    const found = deriveFindings(input(summary)).find((entry) => entry.rule === 'fewer-backends-than-listed');
    expect(found?.text).toContain('0 of 3 (app1, app2 and app3 answered nothing)');
    expect(found?.text).toContain('not listed: lab-app2, lab-app3 and lab-app1');
  });

  it('sessions ending on the server at a regular age', () => {
    // Every session is lost 3 s after its login (request 30 of each user, about 3.0 s in), never before.
    const summary = scriptedSummary({
      answer: (vu, step) => ({ class: step === 30 ? 'mismatch' : 'ok', backend: pinnedBackend(vu) }),
    });
    const found = deriveFindings(input(summary));
    expect(found.map((entry) => entry.rule)).toEqual(['regular-session-age']);
    expect(found[0]?.text).toMatch(
      /^Sessions end on the server at a regular age: 12 sessions were lost between 3\.0 s and 3\.0 s after their login \(median 3\.0 s\)/,
    );
    expect(found[0]?.evidence.p50).toBeGreaterThan(3000);
  });

  it('lost sessions at scattered ages are not a lifetime, nor are losses inside a chaos window', () => {
    const scattered = scriptedSummary({
      answer: (vu, step) => ({ class: step === 10 + vu * 3 ? 'mismatch' : 'ok', backend: pinnedBackend(vu) }),
    });
    expect(rulesOf(scattered)).toEqual([]);
    const restart = scriptedSummary({
      chaos: { at: 2900, windowMs: 1000 },
      answer: (vu, step) => ({ class: step === 30 ? 'mismatch' : 'ok', backend: pinnedBackend(vu) }),
    });
    expect(restart.sessionAgeAtLoss?.count).toBe(0);
    expect(rulesOf(restart)).toEqual([]);
  });

  it('the server dropped the session cookie', () => {
    const summary = cleanSticky();
    const reasons = { ...summary.counts.reasons, session_cleared: 7 };
    const found = deriveFindings(input({ ...summary, counts: { ...summary.counts, reasons } }));
    expect(found.map((entry) => entry.rule)).toEqual(['session-cookie-dropped']);
    expect(found[0]?.text).toMatch(/^The server dropped the session cookie: 7 requests were sent after/);
    expect(found[0]?.evidence).toEqual({ requests: 7 });
  });

  it('errors while chaos acted, naming the action from the journal', () => {
    const summary = errorsWhileApp2Restarts('reset');
    const found = deriveFindings(
      input(summary, { chaosActions: [{ id: 'chaos-1', action: 'restart', target: 'lab-app2' }] }),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ rule: 'errors-during-chaos', severity: 'warning' });
    expect(found[0]?.text).toBe(
      'Errors while chaos acted: restart lab-app2 (chaos-1) was followed by 12 errors in its 1.0 s window; ' +
        '4 users were affected, 4 got an ok again (median 0.3 s after the action).',
    );
  });

  it('lists the most severe first, and every rule has a distinct id', () => {
    const summary = scriptedSummary({ answer: () => ({ class: 'mismatch', backend: 'app1' }) });
    const found = deriveFindings(input(summary));
    expect(found[0]?.severity).toBe('critical');
    expect(found.map((entry) => entry.severity)).toEqual(
      [...found.map((entry) => entry.severity)].sort((a, b) => (a === b ? 0 : a === 'critical' ? -1 : 1)),
    );
    const ids = findingRules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
