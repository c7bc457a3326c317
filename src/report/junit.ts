import { findMetric } from '../profile/metrics.js';
import { formatMetric } from './format.js';
import type { RunResult, ThresholdVerdict } from './result.js';
import { buildReportView } from './view.js';

// Characters XML 1.0 cannot carry at all, even escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to remove
const invalidXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function escapeXml(text: string): string {
  return text
    .replace(invalidXml, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}

function describeFailure(threshold: ThresholdVerdict): string {
  const unit = findMetric(threshold.metric)?.unit ?? 'factor';
  const actual = threshold.actual === null ? 'no data' : formatMetric(unit, threshold.actual);
  return `${threshold.metric} was ${actual}; expected ${threshold.op} ${formatMetric(unit, threshold.value)}`;
}

function testcase(threshold: ThresholdVerdict): string {
  const open = `    <testcase${attributes({ classname: 'session-chaos.thresholds', name: threshold.expression, time: 0 })}`;
  if (threshold.passed) return `${open}/>`;
  const message = describeFailure(threshold);
  return [
    `${open}>`,
    `      <failure${attributes({ message, type: 'threshold' })}>${escapeXml(`${message} (from ${threshold.origin})`)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

/** The findings as the suite's output, one sentence a line, which CI test views show beside the cases. */
function findingsOutput(result: RunResult): string[] {
  if (result.findings.length === 0) return [];
  const lines = result.findings.flatMap((found) => [
    `${found.severity}: ${found.text}`,
    ...(found.advice ?? []).map((line) => `    ${line}`),
  ]);
  return [`    <system-out>${escapeXml(['Findings:', ...lines].join('\n'))}</system-out>`];
}

/**
 * The run as JUnit XML: one test case per threshold, a failing `run` case when it ended early, and the
 * findings as the suite's system-out.
 */
export function renderJunit(result: RunResult): string {
  const { verdict } = result;
  const seconds = (result.durationMs / 1000).toFixed(3);
  const cases = result.thresholds.map(testcase);
  const endedEarly = verdict.status === 'aborted' || verdict.status === 'interrupted';
  if (endedEarly) {
    const message = `${verdict.status}${verdict.message === undefined ? '' : `: ${verdict.message}`}`;
    cases.push(
      [
        `    <testcase${attributes({ classname: 'session-chaos.run', name: 'run', time: seconds })}>`,
        `      <error${attributes({ message, type: verdict.status })}/>`,
        '    </testcase>',
      ].join('\n'),
    );
  }
  const failures = result.thresholds.filter((threshold) => !threshold.passed).length;
  const counts = { tests: cases.length, failures, errors: endedEarly ? 1 : 0 };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'session-chaos', ...counts, time: seconds })}>`,
    `  <testsuite${attributes({ name: buildReportView(result).title, ...counts, skipped: 0, time: seconds, timestamp: result.startedAt })}>`,
    ...cases,
    ...findingsOutput(result),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
