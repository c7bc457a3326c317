import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claimSentence, demoClaims } from '../../src/demo/claims/index.js';
import { strategyClaims } from '../../src/demo/claims/strategies.js';
import { demoScenarios } from '../../src/demo/demo.js';
import type { ScenarioOutcome } from '../../src/matrix/scenario.js';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { summarize } from '../../src/metrics/summarize.js';
import { formatBytes, formatPercent } from '../../src/report/format.js';
import type { ChaosJournalEntry } from '../../src/report/result.js';
import { responseRecord } from '../helpers/records.js';
import { fixedResult } from '../report/fixtures.js';

describe("the demo's scenarios and the claims they check", () => {
  it("has a profile for every claim; those beyond the seed's remedies quote the claim in their comments", () => {
    for (const claim of demoClaims) {
      const text = readFileSync(new URL(`../../profiles/${claim.profile}`, import.meta.url), 'utf8');
      expect(text.startsWith('# yaml-language-server')).toBe(true);
      // The comments as one paragraph: a quote may be wrapped.
      const comments = text.replace(/\n#\s*/g, ' ');
      if (!strategyClaims.includes(claim)) expect(comments).toContain(claim.claim);
    }
  });

  it('runs the slow scenarios only with --all', () => {
    const quick = demoScenarios(false).paths;
    const all = demoScenarios(true).paths;
    expect(all.length).toBe(demoClaims.length);
    expect(quick.length).toBe(demoClaims.filter((claim) => claim.slow !== true).length);
    expect(quick.every((path) => all.includes(path))).toBe(true);
  });

  it("closes a scenario's sentence with the claim and its figure: the services' mismatch per service", () => {
    const aggregator = new MetricsAggregator();
    for (let i = 0; i < 4; i++) {
      aggregator.response(responseRecord({ vu: 1, request: 'a-me' }), { class: 'ok', backend: 'a1' });
      aggregator.response(responseRecord({ vu: 1, request: 'b-me' }), { class: 'mismatch', backend: 'b1' });
    }
    const { paths, closing } = demoScenarios(false);
    const source = paths.find((path) => path.endsWith('/services.yaml'));
    if (source === undefined) throw new Error('no services scenario in the demo');
    const outcome: ScenarioOutcome = {
      source,
      strategy: 'services',
      notes: [],
      result: fixedResult({ summary: summarize(aggregator.aggregates()) }),
    };
    expect(closing(outcome)).toBe(
      'It checks the seed\'s claim "a login at service A must also be known to B and C; sessions kept inside ' +
        'one service are not": mismatches per service a-me 0% (0 of 4), b-me 100% (4 of 4).',
    );
    // A scenario that did not run has no figure, and a profile no claim names gets no clause.
    expect(closing({ ...outcome, result: undefined, skipped: 'needs haproxy-cookie' })).toBeUndefined();
    expect(closing({ ...outcome, source: '/elsewhere/x.yaml' })).toBeUndefined();
  });

  it('says how much of the JWT rolling restart happened: only the steps that came back', () => {
    const jwt = strategyClaims.find((claim) => claim.profile === 'jwt.yaml');
    if (jwt === undefined) throw new Error('no jwt claim');
    const restart = (target: string, at: number, back: boolean): ChaosJournalEntry => ({
      id: `chaos-1.${target}`,
      kind: 'action',
      action: 'restart',
      target,
      at,
      outcome: 'done',
      ...(back ? { backAt: at + 400 } : {}),
    });
    const result = fixedResult();
    const outcome = (chaos: ChaosJournalEntry[]): ScenarioOutcome => ({
      source: 'profiles/jwt.yaml',
      strategy: 'jwt',
      notes: [],
      lab: { id: 'x', balancer: 'haproxy-roundrobin', sessions: 'jwt', backends: 3, runtime: 'docker' },
      result: { ...result, chaos },
    });
    const all = [restart('b1', 1000, true), restart('b2', 1500, true), restart('b3', 2000, true)];
    expect(claimSentence(jwt, outcome(all))).toContain(
      'through a rolling restart of every backend (3 of 3, each back before the next)',
    );
    // The run ended while b2 was restarting: b3's turn never came.
    expect(claimSentence(jwt, outcome([restart('b1', 1000, true), restart('b2', 6000, false)]))).toContain(
      'through a rolling restart that got only 1 of 3 backends restarted and back within the run',
    );
  });

  it("gives clustering's price per backend from the backends' /stats", () => {
    const clustering = strategyClaims.find((claim) => claim.profile === 'clustering.yaml');
    if (clustering === undefined) throw new Error('no clustering claim');
    const result = fixedResult();
    const users = result.summary.vus.total;
    const backend = (name: string, sessions: number) => ({
      backend: name,
      requests: 100,
      sessions,
      sessionBytes: sessions * 66,
      replication: { sentBytes: 6000, receivedBytes: 6000 },
      storeSessions: null,
    });
    const outcome = (held: number[]): ScenarioOutcome => ({
      source: 'profiles/clustering.yaml',
      strategy: 'clustering',
      notes: [],
      lab: {
        id: 'x',
        balancer: 'haproxy-roundrobin',
        sessions: 'replicated',
        backends: held.length,
        runtime: 'docker',
        stats: held.map((sessions, index) => backend(`b${index + 1}`, sessions)),
      },
      result,
    });
    const seconds = result.durationMs / 1000;
    expect(claimSentence(clustering, outcome([users, users + 2]))).toContain(
      `sessions held ${users}/${users + 2} for ${users} users (each backend every user's session, N times what a memory backend holds), ` +
        `${formatBytes(users * 66)}/${formatBytes((users + 2) * 66)} of them per backend, ` +
        `${formatBytes(Math.round(12_000 / seconds))}/s of replication between the peers`,
    );
    // A backend short of a user's session: the sentence does not say every backend holds all of them.
    expect(claimSentence(clustering, outcome([users, users - 1]))).not.toContain('every user');
  });

  it("gives each scale's cost in users, the scale-out's against 1/(N+1)", () => {
    const { paths, closing } = demoScenarios(true);
    const source = paths.find((path) => path.endsWith('/scaling.yaml'));
    if (source === undefined) throw new Error('no scaling scenario in demo --all');
    expect(demoScenarios(false).paths).not.toContain(source);
    const result = fixedResult();
    const [impact] = result.summary.impact;
    if (impact === undefined) throw new Error('fixture has no impact');
    const scale = (id: string, action: string, at: number): ChaosJournalEntry => ({
      id,
      kind: 'action',
      action,
      target: 'b',
      at,
      outcome: 'done',
    });
    const users = result.summary.vus.total;
    const outcome: ScenarioOutcome = {
      source,
      strategy: 'scaling',
      notes: [],
      lab: { id: 'x', balancer: 'haproxy-source', sessions: 'memory', backends: 3, runtime: 'docker' },
      result: {
        ...result,
        chaos: [scale('chaos-1', 'scale-out', 2000), scale('chaos-2', 'scale-in', 8000)],
        summary: {
          ...result.summary,
          impact: [
            { ...impact, id: 'chaos-1', vusAffected: 5, mismatches: 5, relogins: 5, errors: 0 },
            { ...impact, id: 'chaos-2', vusAffected: 4, mismatches: 4, relogins: 4, errors: 1 },
          ],
        },
      },
    };
    expect(closing(outcome)).toBe(
      'It checks the seed\'s claim "in the cloud the number of servers changes dynamically (auto scaling)": ' +
        `the scale-out cost 5 of ${users} users their session (5 mismatches, 5 re-logins, 0 errors); ` +
        `${formatPercent(5 / users)} of them, against 1/(N+1) = 25% for 3 backends; ` +
        `the scale-in cost 4 of ${users} users their session (4 mismatches, 4 re-logins, 1 error).`,
    );
  });
});
