import { describe, expect, it } from 'vitest';
import { renderMatrixReport } from '../../src/matrix/describe.js';
import { matrixExitCode } from '../../src/matrix/matrix.js';
import type { ScenarioOutcome } from '../../src/matrix/scenario.js';
import { matrixRow, renderMatrixTable } from '../../src/matrix/table.js';
import { fixedResult, snapshotResult } from '../report/fixtures.js';

const replicatedStats = { requests: 979, sessions: 21, sessionBytes: 1659, storeSessions: null };

/** Four kinds of scenario: ran with chaos and failed a threshold, ran and passed, skipped, could not run. */
function outcomes(): ScenarioOutcome[] {
  const failed = snapshotResult();
  const passedResult = fixedResult({ failOn: [] });
  const passed: ScenarioOutcome = {
    source: 'profiles/calm.yaml',
    strategy: 'calm',
    notes: [],
    result: {
      ...passedResult,
      chaos: [],
      summary: { ...passedResult.summary, impact: [] },
      thresholds: [],
      verdict: { status: 'passed', exitCode: 0, failed: [] },
    },
  };
  return [
    {
      source: 'profiles/fixed.yaml',
      strategy: 'sticky-two',
      description: 'Two backends, one restart',
      lab: {
        id: 'abcd1234',
        balancer: 'haproxy-cookie',
        sessions: 'replicated',
        backends: 2,
        runtime: 'docker',
        stats: [
          { ...replicatedStats, backend: 'app1', replication: { sentBytes: 1200, receivedBytes: 800 } },
          { ...replicatedStats, backend: 'app2', replication: { sentBytes: 800, receivedBytes: 1200 } },
        ],
      },
      notes: ['haproxy-cookie is not available: the built-in builtin-cookie stands in'],
      result: failed,
    },
    passed,
    {
      source: 'profiles/redis.yaml',
      strategy: 'redis',
      notes: [],
      skipped: 'needs Redis (redis-server is not installed)',
    },
    {
      source: 'profiles/broken.yaml',
      strategy: 'broken',
      notes: [],
      error: 'session-chaos: the lab did not start',
    },
  ];
}

describe('matrix table', () => {
  it('has one row per scenario with the columns the issue names', async () => {
    await expect(renderMatrixTable(outcomes(), { color: false })).toMatchFileSnapshot(
      '__snapshots__/matrix-plain.txt',
    );
  });

  it('colours only the verdict', () => {
    const plain = renderMatrixTable(outcomes(), { color: false });
    const colored = renderMatrixTable(outcomes(), { color: true });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(plain);
    expect(colored).toContain('\u001b[32mpassed\u001b[39m');
  });

  it('reads the numbers from the summary', () => {
    const [failed] = outcomes();
    if (failed === undefined) throw new Error('fixture');
    const row = matrixRow(failed);
    // fixedSummary: 8 VUs of app2 each re-login once after the restart; 4 s of refused connections count 40
    // errors in the 5 s window after it.
    expect(row['re-logins']).toBe('8 (8 users)');
    expect(row['errors during chaos']).toBe(String(failed.result?.summary.impact[0]?.errors));
    expect(row.verdict).toMatch(/^failed: /);
    // From the backends' /stats: 21 sessions on each, 2 x 1659 bytes, 2000 bytes sent over the run.
    expect(row['sessions held']).toBe('21/21');
    expect(row['session bytes']).toBe('3.3 kB');
    const seconds = (failed.result?.durationMs ?? 0) / 1000;
    expect(row.replication).toBe(`${Math.round(2000 / seconds)} B/s`);
  });

  it('adds a sentence per scenario with the measured numbers, then notes and errors', async () => {
    await expect(
      renderMatrixReport(outcomes(), (rows) => renderMatrixTable(rows, { color: false })),
    ).toMatchFileSnapshot('__snapshots__/matrix-report.txt');
  });
});

describe('the sentence on chaos', () => {
  it('gives users affected per action when there are several, since one user can be hit by each', () => {
    const [withChaos] = outcomes();
    if (withChaos?.result === undefined) throw new Error('fixture');
    const [impact] = withChaos.result.summary.impact;
    if (impact === undefined) throw new Error('fixture has no impact');
    const rolling: ScenarioOutcome = {
      ...withChaos,
      result: {
        ...withChaos.result,
        summary: {
          ...withChaos.result.summary,
          impact: [
            { ...impact, id: 'chaos-1.1', vusAffected: 6 },
            { ...impact, id: 'chaos-1.2', vusAffected: 7 },
          ],
        },
      },
    };
    expect(renderMatrixReport([rolling], (rows) => renderMatrixTable(rows, { color: false }))).toContain(
      'users affected by each: 6, 7',
    );
  });
  it('says a step a halted roll never took as skipped, with no time', () => {
    const [withChaos] = outcomes();
    if (withChaos?.result === undefined) throw new Error('fixture');
    const halted: ScenarioOutcome = {
      ...withChaos,
      result: {
        ...withChaos.result,
        chaos: [
          {
            id: 'chaos-1.1',
            kind: 'action',
            action: 'restart',
            target: 'b1',
            at: 1000,
            outcome: 'done, not back in time',
          },
          {
            id: 'chaos-1.2',
            kind: 'action',
            action: 'restart',
            target: 'b2',
            at: 61_000,
            outcome: 'skipped',
          },
        ],
      },
    };
    expect(renderMatrixReport([halted], (rows) => renderMatrixTable(rows, { color: false }))).toContain(
      'after the restart of b1 at +1s (not back in time), restart of b2 (skipped):',
    );
  });
});

describe('matrix exit code', () => {
  it('is the worst scenario: a fault over failed thresholds over passed; an interrupt wins', () => {
    const [failed, passed, skipped, broken] = outcomes() as [
      ScenarioOutcome,
      ScenarioOutcome,
      ScenarioOutcome,
      ScenarioOutcome,
    ];
    expect(matrixExitCode([passed, skipped], false)).toBe(0);
    expect(matrixExitCode([passed, failed], false)).toBe(1);
    expect(matrixExitCode([failed, broken], false)).toBe(4);
    expect(matrixExitCode([passed], true)).toBe(130);
  });
});
