import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoClaims } from '../../src/demo/claims/index.js';
import { strategyClaims } from '../../src/demo/claims/strategies.js';
import { demoScenarios } from '../../src/demo/demo.js';
import type { ScenarioOutcome } from '../../src/matrix/scenario.js';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { summarize } from '../../src/metrics/summarize.js';
import { responseRecord } from '../helpers/records.js';
import { fixedResult } from '../report/fixtures.js';

describe("the demo's scenarios and the claims they check", () => {
  it('has a profile for every claim; those of issue 22 quote the claim in their comments', () => {
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
});
