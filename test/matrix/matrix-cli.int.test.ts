import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MatrixDocument } from '../../src/matrix/matrix.js';
import { runCli } from '../cli/run-cli.js';
import { testDir } from '../helpers/test-dir.js';
import { sharedLab } from '../lab/helpers.js';

/** `matrix --target`: the strategy profiles as templates, run against a balancer the user already has. */
describe('session-chaos matrix --target', () => {
  const lab = sharedLab({ balancer: 'haproxy-roundrobin', sessions: 'memory', runtime: 'process' });

  it('runs every profile against the URL, prints one table, exports the matrix and exits with the worst verdict', async () => {
    const out = join(testDir('session-chaos-matrix-'), 'matrix.json');
    const { code, stdout, stderr } = await runCli([
      'matrix',
      'profiles/round-robin-memory.yaml',
      'profiles/sticky-source-ip.yaml',
      '--target',
      lab().url,
      '--duration',
      '2s',
      '--json',
      out,
    ]);
    // Both run on this round-robin lab: the sticky-IP profile's thresholds fail here too (no stickiness).
    expect(code, stderr).toBe(1);
    expect(stdout).toMatch(
      /^strategy +mismatch rate +affinity +load skew +re-logins +errors during chaos +sessions held +session bytes +replication +p99 +verdict$/m,
    );
    expect(stdout).toMatch(/^round-robin-memory +\d+(\.\d+)?% /m);
    expect(stdout).toMatch(/^sticky-source-ip +\d+(\.\d+)?% .*failed: mismatchRate<0.01/m);
    const document = JSON.parse(readFileSync(out, 'utf8')) as MatrixDocument;
    expect(document.scenarios.map((scenario) => [scenario.strategy, scenario.lab, scenario.notes])).toEqual([
      ['round-robin-memory', undefined, []],
      ['sticky-source-ip', undefined, []],
    ]);
    for (const scenario of document.scenarios) {
      expect(scenario.result?.profile).toMatchObject({
        target: { url: lab().url },
        traffic: { duration: 2000 },
      });
    }
  });
});
