import type { Histogram } from 'hdr-histogram-js';
import { type ResponseClass, responseClasses } from '../classify/types.js';
import type { Aggregates } from './aggregator.js';
import { latencyStats, percentileMs } from './latency.js';
import { mismatchRateOf } from './requests.js';
import type { BackendShare, SessionAges, Summary, TimelineBucket } from './summary.js';

const ratio = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null;

function mapClasses<T>(make: (name: ResponseClass) => T): Record<ResponseClass, T> {
  return Object.fromEntries(responseClasses.map((name) => [name, make(name)])) as Record<ResponseClass, T>;
}

/** Per-VU stickiness: affinity and pins, from the per-VU backend columns. */
function stickiness(aggregates: Aggregates): { affinity: number | null; pinned: number[] } {
  const { vus, backends } = aggregates;
  const pinned = backends.map(() => 0);
  let affinitySum = 0;
  let vusWithBackend = 0;
  for (let vu = 0; vu < vus.capacity; vu++) {
    let total = 0;
    let most = 0;
    let pin = -1;
    for (let backend = 0; backend < vus.perBackend.length; backend++) {
      const count = vus.perBackend[backend]?.[vu] ?? 0;
      total += count;
      // Ties go to the backend seen first in the run, so the pin is deterministic.
      if (count > most) {
        most = count;
        pin = backend;
      }
    }
    if (total === 0) continue;
    vusWithBackend++;
    affinitySum += most / total;
    pinned[pin] = (pinned[pin] ?? 0) + 1;
  }
  return { affinity: ratio(affinitySum, vusWithBackend), pinned };
}

function reloginsOf(aggregates: Aggregates, vuTotal: number): Summary['relogins'] {
  const { relogins, capacity } = aggregates.vus;
  let total = 0;
  let usersAffected = 0;
  let perVuMax = 0;
  for (let vu = 0; vu < capacity; vu++) {
    const count = relogins[vu] ?? 0;
    total += count;
    if (count > 0) usersAffected++;
    perVuMax = Math.max(perVuMax, count);
  }
  return {
    total,
    byCause: { ...aggregates.reloginsByCause },
    usersAffected,
    perVuMax,
    perVuMean: vuTotal > 0 ? total / vuTotal : 0,
  };
}

function timelineOf(aggregates: Aggregates): TimelineBucket[] {
  return [...aggregates.timeline.entries()]
    .sort(([a], [b]) => a - b)
    .map(([second, counts]) => {
      const backends: Record<string, number> = {};
      counts.backends.forEach((count, index) => {
        const name = aggregates.backends[index];
        if (name !== undefined && count > 0) backends[name] = count;
      });
      if (counts.unknownBackend > 0) backends.unknown = counts.unknownBackend;
      const stats = counts.latency.stats();
      return {
        at: second * 1000,
        classes: { ...counts.classes },
        backends,
        logins: counts.logins,
        relogins: counts.relogins,
        ...(stats.count === 0 ? {} : { latency: { p50: stats.p50, p99: stats.p99 } }),
      };
    });
}

function sessionAges(histogram: Histogram): SessionAges {
  const { count, p50, p90, max } = latencyStats(histogram);
  return { count, p10: percentileMs(histogram, 10), p50, p90, max };
}

/** The summary: a pure function of the aggregates, a plain JSON value. */
export function summarize(aggregates: Aggregates): Summary {
  const { classes, backends, backendCounts, vus } = aggregates;
  const total = responseClasses.reduce((sum, name) => sum + classes[name], 0);

  let seenVus = 0;
  let vusWithResponses = 0;
  for (let vu = 0; vu < vus.capacity; vu++) {
    if (vus.seen[vu]) seenVus++;
    if ((vus.responses[vu] ?? 0) > 0) vusWithResponses++;
  }
  const vuTotal = Math.max(seenVus, aggregates.announcedVus);

  const knownTotal = backendCounts.reduce((sum, count) => sum + count, 0);
  const { affinity, pinned } = stickiness(aggregates);
  const backendShare: Record<string, BackendShare> = {};
  backends.forEach((name, index) => {
    const count = backendCounts[index] ?? 0;
    backendShare[name] = {
      count,
      share: knownTotal > 0 ? count / knownTotal : 0,
      pinnedVus: pinned[index] ?? 0,
    };
  });
  const meanCount = backends.length > 0 ? knownTotal / backends.length : 0;
  const maxCount = Math.max(0, ...backendCounts);
  const variance =
    backends.length > 0
      ? backendCounts.reduce((sum, count) => sum + (count - meanCount) ** 2, 0) / backends.length
      : 0;
  const pinnedTotal = pinned.reduce((sum, count) => sum + count, 0);
  const meanPinned = backends.length > 0 ? pinnedTotal / backends.length : 0;

  const durationMs = aggregates.span === undefined ? 0 : aggregates.span.last - aggregates.span.first;
  const perSecond = (count: number): number => (durationMs > 0 ? count / (durationMs / 1000) : 0);

  const overall = latencyStats(aggregates.latency.overall);
  return {
    counts: {
      total,
      classes: { ...classes },
      reasons: { ...aggregates.reasons },
      unexpectedStatus: Object.fromEntries(
        [...aggregates.unexpectedStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]),
      ),
      statuses: Object.fromEntries(
        [...aggregates.statuses.entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })),
      ),
      outsideChaos: { ...aggregates.outsideChaos },
      logins: { ...aggregates.logins },
      unknownBackend: aggregates.unknownBackend,
    },
    mismatchRate: mismatchRateOf(classes),
    wrongUser: classes.wrong_user,
    byRequest: aggregates.byRequest.summary(),
    relogins: reloginsOf(aggregates, vuTotal),
    backendShare,
    loadSkew: meanCount > 0 ? maxCount / meanCount : null,
    loadCv: meanCount > 0 ? Math.sqrt(variance) / meanCount : null,
    affinity,
    switchRate: ratio(aggregates.switches, aggregates.transitions),
    pinSkew: meanPinned > 0 ? Math.max(0, ...pinned) / meanPinned : null,
    latency: {
      ...overall,
      byClass: mapClasses((name) => latencyStats(aggregates.latency.byClass[name])),
    },
    throughput: {
      requests: total,
      durationMs,
      perSecond: perSecond(total),
      okPerSecond: perSecond(classes.ok),
    },
    vus: { total: vuTotal, withResponses: vusWithResponses },
    sessionAgeAtLoss: sessionAges(aggregates.sessionAgeAtLoss),
    trafficStartedAt: aggregates.trafficStart,
    timeline: timelineOf(aggregates),
    pins: aggregates.pins.pinMap(backends),
    // Impacts are followed on the records' clock and reported from the traffic phase's start, as the journal is.
    impact: aggregates.impacts.map((tracker) => {
      const impact = tracker.impact();
      return { ...impact, at: impact.at - aggregates.trafficStart };
    }),
  };
}
