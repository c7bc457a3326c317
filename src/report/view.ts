import { type ResponseClass, responseClasses } from '../classify/types.js';
import type { Finding } from '../findings/types.js';
import type { LatencyStats, Summary } from '../metrics/summary.js';
import { findMetric } from '../profile/metrics.js';
import {
  formatCount,
  formatMetric,
  formatMs,
  formatNumber,
  formatPercent,
  formatRunTime,
  notAvailable,
} from './format.js';
import type { EngineFacts, RunResult, ThresholdVerdict, Verdict } from './result.js';

/**
 * What every human-readable report shows, as data: the terminal table and the Markdown summary render the same
 * view, so they cannot disagree about what a run found.
 */
type Tone = 'good' | 'bad' | 'warn';
export interface Text {
  text: string;
  tone?: Tone;
}
/** A share of 0..1 drawn as a bar. */
interface Bar {
  bar: number;
}
export type Cell = string | Text | Bar;
/** A line after a table; `detail` lines go under it as written (a config to copy), not as prose. */
export interface Note extends Text {
  detail?: string[];
}

export interface Section {
  title: string;
  head: string[];
  /** Per column; numbers are right-aligned. */
  align: Array<'left' | 'right'>;
  rows: Cell[][];
  /** Lines after the table (a section with no columns is its lines alone). */
  notes: Note[];
}

export interface ReportView {
  title: string;
  /** Facts about the run, one per line. */
  facts: string[];
  sections: Section[];
  verdict: Text;
}

function readPath(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function text(value: string, tone?: Tone): Text {
  return tone === undefined ? { text: value } : { text: value, tone };
}

const badClasses: ReadonlySet<ResponseClass> = new Set(['mismatch', 'wrong_user', 'error']);

function classDetail(summary: Summary, name: ResponseClass): string {
  const entries = (record: Record<string, number>, keys: readonly string[]) =>
    keys.filter((key) => (record[key] ?? 0) > 0).map((key) => `${key} ${formatCount(record[key] ?? 0)}`);
  if (name === 'error') {
    return entries(summary.counts.reasons, ['refused', 'reset', 'timeout', 'other', 'http_5xx']).join(', ');
  }
  if (name === 'unexpected') {
    const statuses = Object.keys(summary.counts.unexpectedStatus).sort();
    return [
      ...entries(summary.counts.reasons, ['no_session', 'session_cleared']),
      ...entries(summary.counts.unexpectedStatus, statuses).map((entry) => `HTTP ${entry}`),
    ].join(', ');
  }
  return '';
}

function classesSection(summary: Summary): Section {
  const { total, classes, logins } = summary.counts;
  const rows = responseClasses.map((name): Cell[] => {
    const count = classes[name];
    const tone = count > 0 && badClasses.has(name) ? 'bad' : undefined;
    return [
      text(name, tone),
      formatCount(count),
      total === 0 ? notAvailable : formatPercent(count / total),
      classDetail(summary, name),
    ];
  });
  return {
    title: 'Responses',
    head: ['class', 'count', 'rate', 'detail'],
    align: ['left', 'right', 'right', 'left'],
    rows,
    notes: [
      text(
        `logins: ${formatCount(logins.login_ok)} ok, ${formatCount(logins.login_failed)} failed, ` +
          `${formatCount(logins.login_error)} errors`,
        logins.login_failed + logins.login_error > 0 ? 'warn' : undefined,
      ),
    ],
  };
}

function sessionsSection(summary: Summary): Section {
  const { mismatchRate, relogins, wrongUser } = summary;
  const interval =
    mismatchRate.low === null || mismatchRate.high === null
      ? ''
      : ` (95% CI ${formatPercent(mismatchRate.low)} to ${formatPercent(mismatchRate.high)})`;
  const causes = `mismatch ${formatCount(relogins.byCause.mismatch)}, expired ${formatCount(relogins.byCause.expired)}`;
  return {
    title: 'Sessions',
    head: ['metric', 'value', 'detail'],
    align: ['left', 'right', 'left'],
    rows: [
      [
        'mismatch rate',
        text(formatPercent(mismatchRate.value), mismatchRate.mismatches > 0 ? 'bad' : undefined),
        `${formatCount(mismatchRate.mismatches)} of ${formatCount(mismatchRate.of)}${interval}`,
      ],
      [
        'wrong user',
        text(formatCount(wrongUser), wrongUser > 0 ? 'bad' : 'good'),
        'responses as another user',
      ],
      [
        're-logins',
        formatCount(relogins.total),
        `${causes}; ${formatCount(relogins.usersAffected)} VUs affected, max ${formatCount(relogins.perVuMax)} per VU, mean ${formatNumber(relogins.perVuMean)}`,
      ],
    ],
    notes: [],
  };
}

/**
 * Each mix entry's own mismatch rate, where the mix has more than one: behind a gateway that routes by path,
 * one row per service, so a session one service does not know shows as that row's rate.
 */
function requestsSection(summary: Summary): Section | undefined {
  const entries = Object.entries(summary.byRequest ?? {});
  if (entries.length < 2) return undefined;
  const rows = entries.map(([request, tally]): Cell[] => {
    const { mismatchRate } = tally;
    const interval =
      mismatchRate.low === null || mismatchRate.high === null
        ? ''
        : `${formatPercent(mismatchRate.low)} to ${formatPercent(mismatchRate.high)}`;
    return [
      request,
      formatCount(tally.total),
      formatCount(tally.classes.ok),
      text(formatCount(mismatchRate.mismatches), mismatchRate.mismatches > 0 ? 'bad' : undefined),
      text(formatPercent(mismatchRate.value), mismatchRate.mismatches > 0 ? 'bad' : undefined),
      interval,
      formatCount(tally.classes.error),
    ];
  });
  return {
    title: 'Per request',
    head: ['request', 'requests', 'ok', 'mismatch', 'mismatch rate', '95% CI', 'errors'],
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    rows,
    notes: [],
  };
}

function backendsSection(summary: Summary): Section {
  const names = Object.keys(summary.backendShare).sort();
  const rows = names.map((name): Cell[] => {
    const share = summary.backendShare[name] ?? { count: 0, share: 0, pinnedVus: 0 };
    return [
      name,
      formatCount(share.count),
      formatPercent(share.share),
      formatCount(share.pinnedVus),
      { bar: share.share },
    ];
  });
  if (summary.counts.unknownBackend > 0) {
    rows.push([text('unknown', 'warn'), formatCount(summary.counts.unknownBackend), '', '', '']);
  }
  return {
    title: 'Backends',
    head: ['backend', 'requests', 'share', 'VUs pinned', ''],
    align: ['left', 'right', 'right', 'right', 'left'],
    rows,
    notes: [
      text(
        `load skew ${formatNumber(summary.loadSkew)}, CV ${formatNumber(summary.loadCv)}, ` +
          `affinity ${formatNumber(summary.affinity)}, switch rate ${formatNumber(summary.switchRate)}, ` +
          `pin skew ${formatNumber(summary.pinSkew)}`,
      ),
    ],
  };
}

function latencySection(summary: Summary): Section {
  const row = (name: string, stats: LatencyStats): Cell[] => [
    name,
    formatCount(stats.count),
    formatMs(stats.p50),
    formatMs(stats.p90),
    formatMs(stats.p99),
    formatMs(stats.max),
    formatMs(stats.mean),
  ];
  const classRows = responseClasses
    .filter((name) => summary.latency.byClass[name].count > 0)
    .map((name) => row(name, summary.latency.byClass[name]));
  const { throughput } = summary;
  return {
    title: 'Latency',
    head: ['class', 'count', 'p50', 'p90', 'p99', 'max', 'mean'],
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    rows: [row('all', summary.latency), ...classRows],
    notes: [
      text(
        `throughput ${formatNumber(throughput.perSecond, 1)} req/s (ok ${formatNumber(throughput.okPerSecond, 1)}/s) ` +
          `over ${formatMs(throughput.durationMs)}`,
      ),
    ],
  };
}

/** Chaos times to a hundredth of a second: a restart is often done within the second it was issued. */
function chaosTime(ms: number | undefined): string {
  return ms === undefined ? '' : formatRunTime(ms, 2);
}

function chaosSection(result: RunResult): Section | undefined {
  const actions = result.chaos.filter((entry) => entry.kind !== 'docker_event' && entry.kind !== 'problem');
  const problems = result.chaos.filter((entry) => entry.kind === 'problem');
  const impacts = new Map(result.summary.impact.map((impact) => [impact.id, impact]));
  if (actions.length === 0 && impacts.size === 0) return undefined;
  const rows = actions.map((entry): Cell[] => {
    const impact = impacts.get(entry.id);
    impacts.delete(entry.id);
    const failed = entry.outcome === 'failed';
    return [
      chaosTime(entry.at),
      text(entry.action ?? entry.kind, failed ? 'bad' : undefined),
      entry.target ?? '',
      text(entry.outcome ?? '', failed ? 'bad' : undefined),
      chaosTime(entry.markerAt ?? entry.doneAt),
      chaosTime(entry.backAt),
      chaosTime(impact === undefined ? undefined : impact.at + impact.windowMs),
      ...impactCells(impact),
    ];
  });
  for (const impact of impacts.values()) {
    rows.push([
      chaosTime(impact.at),
      impact.id,
      '',
      '',
      '',
      '',
      chaosTime(impact.at + impact.windowMs),
      ...impactCells(impact),
    ]);
  }
  const dockerEvents = result.chaos.filter((entry) => entry.kind === 'docker_event').length;
  const failures = actions
    .filter((entry) => entry.outcome === 'failed' && entry.message !== undefined)
    .map((entry) =>
      text(`${formatRunTime(entry.at)} ${entry.action ?? entry.kind} failed: ${entry.message}`, 'bad'),
    );
  return {
    title: 'Chaos (times from the start of the traffic phase)',
    head: [
      'issued',
      'action',
      'target',
      'outcome',
      'done',
      'back',
      'window to',
      'mismatch',
      'errors',
      're-logins',
      'VUs hit',
      'recovered',
      'recovery first/p50/max',
    ],
    align: [
      'right',
      'left',
      'left',
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
    ],
    rows,
    notes: [
      ...failures,
      ...problems.map((entry) => text(`chaos problem: ${entry.message ?? ''}`, 'warn')),
      ...(result.summary.impact.length > 0
        ? [
            text(
              'impacts count what ended from issued to "window to": chaos.impactWindow after back (after done for an exec, or where nothing brings the target back)',
            ),
          ]
        : []),
      ...(dockerEvents > 0
        ? [text(`${formatCount(dockerEvents)} Docker events recorded (in the JSON result)`)]
        : []),
    ],
  };
}

function impactCells(impact: Summary['impact'][number] | undefined): Cell[] {
  if (impact === undefined) return ['', '', '', '', '', ''];
  const { min, p50, max } = impact.recovery;
  const recovery =
    impact.vusRecovered === 0
      ? ''
      : `${min === undefined ? '' : `${formatMs(min)}/`}${formatMs(p50)}/${formatMs(max)}`;
  return [
    text(formatCount(impact.mismatches), impact.mismatches > 0 ? 'bad' : undefined),
    formatCount(impact.errors),
    formatCount(impact.relogins),
    formatCount(impact.vusAffected),
    text(formatCount(impact.vusRecovered), impact.vusRecovered < impact.vusAffected ? 'warn' : undefined),
    recovery,
  ];
}

function thresholdRow(threshold: ThresholdVerdict): Cell[] {
  const unit = findMetric(threshold.metric)?.unit ?? 'factor';
  return [
    threshold.passed ? text('pass', 'good') : text('FAIL', 'bad'),
    threshold.expression,
    threshold.actual === null ? 'no data' : formatMetric(unit, threshold.actual),
    threshold.origin,
  ];
}

const severityTone = { critical: 'bad', warning: 'warn', info: undefined } as const;

/** The findings as sentences under their severity; a run they found nothing in says so. */
function findingsSection(findings: readonly Finding[]): Section {
  return {
    title: 'Findings',
    head: [],
    align: [],
    rows: [],
    notes:
      findings.length === 0
        ? [text('none: no rule found a problem in these numbers')]
        : findings.map((found) => ({
            ...text(`${found.severity}: ${found.text}`, severityTone[found.severity]),
            ...(found.advice === undefined ? {} : { detail: found.advice }),
          })),
  };
}

function thresholdsSection(thresholds: readonly ThresholdVerdict[]): Section {
  return {
    title: 'Thresholds',
    head: ['', 'threshold', 'actual', 'from'],
    align: ['left', 'left', 'right', 'left'],
    rows: thresholds.map(thresholdRow),
    notes: thresholds.length === 0 ? [text('no thresholds')] : [],
  };
}

function describeVerdict(verdict: Verdict, thresholdCount: number): Text {
  const failed = verdict.failed.length;
  const counted = `${failed} of ${thresholdCount} thresholds failed`;
  const why = verdict.message === undefined ? '' : `: ${verdict.message}`;
  switch (verdict.status) {
    case 'passed':
      return text(`PASSED: all ${thresholdCount} thresholds held`, 'good');
    case 'thresholds_failed':
      return text(`FAILED: ${counted}${why}`, 'bad');
    case 'aborted':
      return text(`ABORTED${why} (${counted})`, 'bad');
    case 'interrupted':
      return text(`INTERRUPTED${why} (${counted})`, 'warn');
  }
}

function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** The engine's facts as lines; what was not sent and failed re-logins only when there were some. */
function engineLines(engine: EngineFacts | undefined): string[] {
  if (engine === undefined) return [];
  const users = [
    engine.loggedIn === undefined
      ? `${plural(engine.users, 'user', 'users')} planned, none reached the traffic phase`
      : `${formatCount(engine.loggedIn)} of ${plural(engine.users, 'user', 'users')} logged in`,
    ...((engine.failedRelogins ?? 0) > 0
      ? [plural(engine.failedRelogins ?? 0, 'failed re-login', 'failed re-logins')]
      : []),
    ...((engine.lateArrivals ?? 0) > 0
      ? [
          `${plural(engine.lateArrivals ?? 0, 'arrival', 'arrivals')} due but never sent (every user was busy)`,
        ]
      : []),
  ].join('; ');
  const background = engine.background;
  if (background === undefined) return [users];
  return [
    users,
    `background pressure on ${background.path}: ${formatCount(background.responses)} responses in ` +
      `${formatMs(background.durationMs)} (${formatNumber(background.throughput, 1)} req/s, target ` +
      `${formatNumber(background.targetRate, 1)}; ${plural(background.errors, 'error', 'errors')}, ` +
      `${formatCount(background.non2xx)} non-2xx)`,
  ];
}

export function buildReportView(result: RunResult): ReportView {
  const { summary } = result;
  const name = readPath(result.profile, 'name');
  const target = readPath(result.profile, 'target.url');
  const title = ['session-chaos', typeof name === 'string' ? name : result.source, target]
    .filter((part): part is string => typeof part === 'string')
    .join(' · ');
  const chaos = chaosSection(result);
  const requests = requestsSection(summary);
  return {
    title,
    facts: [
      `${result.startedAt} to ${result.endedAt} (${formatMs(result.durationMs)})`,
      `${formatCount(summary.vus.total)} VUs, ${formatCount(summary.counts.total)} requests, ` +
        `session-chaos ${result.tool.version}, Node ${result.node}`,
      ...engineLines(result.engine),
    ],
    sections: [
      classesSection(summary),
      sessionsSection(summary),
      ...(requests === undefined ? [] : [requests]),
      backendsSection(summary),
      latencySection(summary),
      ...(chaos === undefined ? [] : [chaos]),
      findingsSection(result.findings),
      thresholdsSection(result.thresholds),
    ],
    verdict: describeVerdict(result.verdict, result.thresholds.length),
  };
}
