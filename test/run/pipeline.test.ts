import { describe, expect, it } from 'vitest';
import { PreflightError } from '../../src/errors.js';
import { runPipeline } from '../../src/run/pipeline.js';
import { CollectingSink, planFor } from '../helpers/engine-fixtures.js';
import { testServer } from '../helpers/scripted-server.js';

describe('runPipeline', () => {
  it('takes a plan to a result document: summary, findings, the default verdict', async () => {
    const server = await testServer({ backend: 'b1' });
    const sink = new CollectingSink();
    const phases: string[] = [];
    const plan = planFor(server.url, {
      traffic: { users: 6, requests: 60 },
      classify: { backends: ['b1', 'b2'] },
    });
    const { document, run, fault } = await runPipeline(plan, {
      sinks: [sink],
      onPhase: (phase) => phases.push(phase),
    });
    expect(fault).toBeUndefined();
    expect(run?.traffic.sent).toBe(60);
    expect(phases).toEqual(['preflight', 'login', 'traffic', 'drain']);
    // The one aggregator counted what the sinks saw.
    expect(document.summary.counts.total).toBe(sink.responses.length);
    expect(document.summary.counts.statuses).toEqual({ '200': 60 });
    expect(document.thresholds.map((threshold) => [threshold.expression, threshold.origin])).toEqual([
      ['wrongUser==0', 'default'],
      ['mismatches==0', 'default'],
      ['errorRate.outsideChaos<=1%', 'default'],
    ]);
    expect(document.verdict).toEqual({ status: 'passed', exitCode: 0, failed: [] });
    // b2 is listed and never answered: every user on b1.
    expect(document.findings.map((found) => found.rule)).toEqual([
      'one-backend',
      'fewer-backends-than-listed',
    ]);
    expect(document.summary.loadSkew).toBe(2);
  });

  it('--no-default-thresholds drops the defaults', async () => {
    const server = await testServer();
    const plan = planFor(server.url, { traffic: { users: 2, requests: 4 } });
    const { document } = await runPipeline(plan, { thresholds: { defaults: false } });
    expect(document.thresholds).toEqual([]);
  });

  it('an interrupt before the run starts still gives a document: interrupted, with the reason', async () => {
    const server = await testServer();
    const interrupt = new AbortController();
    interrupt.abort('interrupted by SIGTERM');
    const plan = planFor(server.url, { traffic: { users: 3, requests: 30 } });
    const { document } = await runPipeline(plan, { signal: interrupt.signal });
    expect(document.verdict).toMatchObject({
      status: 'interrupted',
      exitCode: 130,
      message: 'interrupted by SIGTERM',
    });
    expect(document.summary.counts.total).toBe(0);
    expect(server.seen).toHaveLength(0);
    expect(server.connections).toBe(0);
  });

  it('a failed preflight throws: there was no run to report', async () => {
    const server = await testServer({ loginStatus: 401 });
    const plan = planFor(server.url, { traffic: { users: 2, requests: 4 } });
    await expect(runPipeline(plan)).rejects.toThrow(PreflightError);
  });
});
