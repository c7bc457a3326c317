import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serializeResult } from '../../src/report/formats.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { parseResultText } from '../../src/report/read-result.js';
import { buildResult, decideVerdict, resultSchemaVersion } from '../../src/report/result.js';
import { renderResultJsonSchema, resultSchemaFile } from '../../src/report/result-schema.js';
import { renderSummaryTable } from '../../src/report/table.js';
import { toolVersion } from '../../src/version.js';
import { resultValidator } from '../helpers/result-validator.js';
import { canaries, fixedPlan, fixedResult, fixedSummary } from './fixtures.js';

describe('the result document', () => {
  const result = fixedResult();

  it('carries the version, the tool, Node, times, the summary, the journal, thresholds and verdict', () => {
    expect(result).toMatchObject({
      schemaVersion: resultSchemaVersion,
      tool: { name: 'session-chaos', version: toolVersion },
      node: process.version,
      source: 'profiles/fixed.yaml',
      startedAt: '2026-01-02T03:04:05.000Z',
      endedAt: '2026-01-02T03:04:17.500Z',
      durationMs: 12_500,
      verdict: { status: 'thresholds_failed', exitCode: 1, failed: ['loadSkew<1.5'] },
    });
    expect(result.profile).toMatchObject({
      name: 'two backends, one restart',
      traffic: { users: 20, duration: 10_000 },
    });
    expect(result.chaos).toHaveLength(4);
    expect(result.summary.timeline.length).toBeGreaterThan(0);
    expect(result.thresholds.map((threshold) => threshold.origin)).toEqual([
      'profile',
      'profile',
      'profile',
      'flag',
      'default',
      'default',
    ]);
  });

  it('is valid against the shipped JSON Schema (checked by an independent validator)', () => {
    const validate = resultValidator();
    const document = JSON.parse(serializeResult(result)) as unknown;
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    const broken = { ...(document as Record<string, unknown>), verdict: { status: 'fine' } };
    expect(validate(broken)).toBe(false);
  });

  it('reads back to the same value', () => {
    expect(parseResultText('r.json', serializeResult(result))).toEqual(JSON.parse(serializeResult(result)));
  });

  it('never shows a password, token or cookie value, in any output', () => {
    const outputs = [
      serializeResult(result),
      renderSummaryTable(result, { color: false }),
      renderSummaryTable(result, { color: true }),
      renderMarkdown(result),
      renderJunit(result),
    ];
    for (const output of outputs) {
      for (const canary of Object.values(canaries)) expect(output).not.toContain(canary);
    }
    expect(result.profile).toMatchObject({
      auth: { credentials: { password: '[redacted]' } },
      target: { headers: { authorization: '[redacted]', cookie: '[redacted]' } },
    });
    expect(result.chaos[3]?.message).toBe('hook said: bad token [redacted]');
  });
});

describe('a secret that is a common word', () => {
  it('is redacted from values without breaking field names or the tool name', () => {
    const result = buildResult({
      plan: { ...fixedPlan(), secrets: ['chaos', 'ok'] },
      summary: fixedSummary(),
      thresholds: [],
      journal: [{ id: 'chaos-1', kind: 'action', at: 1, target: 'chaos monkey' }],
      startedAt: new Date(0),
      endedAt: new Date(1),
      earlyEnd: { kind: 'fault', message: 'chaos failed' },
    });
    expect(result.tool.name).toBe('session-chaos');
    expect(result.profile).toHaveProperty('chaos');
    expect(result.summary.counts.classes).toHaveProperty('ok');
    expect(result.chaos[0]).toMatchObject({ id: 'chaos-1', target: '[redacted] monkey' });
    expect(result.verdict.message).toBe('[redacted] failed');
    expect(resultValidator()(JSON.parse(serializeResult(result)))).toBe(true);
  });
});

describe('the shipped result JSON Schema', () => {
  it('is generated from the current zod schema (run `npm run schema` when this fails)', () => {
    expect(readFileSync(resultSchemaFile, 'utf8')).toBe(renderResultJsonSchema());
  });
});

describe('decideVerdict', () => {
  const passed = { passed: true, expression: 'a<1' };
  const failed = { passed: false, expression: 'b<1' };
  it.each([
    [[passed], undefined, 'passed', 0],
    [[passed, failed], undefined, 'thresholds_failed', 1],
    [[passed], { kind: 'threshold', message: 'b<1 failed during the run' }, 'thresholds_failed', 1],
    [[passed], { kind: 'fault', message: 'Docker went away' }, 'aborted', 4],
    [[failed], { kind: 'interrupted', message: 'SIGINT' }, 'interrupted', 130],
  ] as const)('%j, early end %j: %s, exit %d', (thresholds, earlyEnd, status, exitCode) => {
    const verdict = decideVerdict(thresholds as never, earlyEnd);
    expect(verdict).toMatchObject({ status, exitCode });
  });
});
