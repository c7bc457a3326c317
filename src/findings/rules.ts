import type { Summary } from '../metrics/summary.js';
import { backendHeaderAdvice } from './advice.js';
import type { Finding, FindingRule, FindingsInput } from './types.js';
import { list, percent, seconds } from './words.js';

/**
 * The bounds the rules judge by. Each is far from what a working setup shows (a clean sticky run has no
 * mismatch, no switch, one backend per user), so that no rule fires on one.
 */
const findingBounds = {
  /** Mismatch rate from which sessions are lost wholesale (round robin over N backends loses (N-1)/N), not by
   * a replication lag or a restart. */
  lostSessions: 0.25,
  /** Share of consecutive requests changing backend from which a balancer is not sticky. */
  notSticky: 0.2,
  /** Affinity from which users count as pinned (and switch rate up to which). */
  pinned: 0.9,
  pinnedSwitches: 0.1,
  /** Mismatch rate that pinned users would not show unless they were pinned to the wrong backend. */
  pinnedButLost: 0.2,
  /** Share of one backend from which every user is on it; users needed before that means anything. */
  oneBackend: 0.99,
  oneBackendUsers: 5,
  /** Lost sessions needed to speak of their age; the spread (p90 - p10) / p50 below which it is regular. */
  regularAgeLosses: 5,
  regularAgeSpread: 0.2,
  /** A server lifetime shorter than this is not a lifetime. */
  regularAgeMinMs: 1000,
} as const;

/** Backends with a known share (listed ones that answered nothing included), in the summary's order. */
function backends(summary: Summary): Array<{ name: string; count: number; share: number }> {
  return Object.entries(summary.backendShare).map(([name, share]) => ({ name, ...share }));
}

function finding(
  rule: FindingRule,
  text: string,
  evidence: Finding['evidence'],
  advice?: readonly string[],
): Finding {
  const { id, severity } = rule;
  return { rule: id, severity, text, evidence, ...(advice === undefined ? {} : { advice: [...advice] }) };
}

/** No answer named its backend (errors alone do not count: a balancer's 502 names none in any setup). */
function backendUnseen(summary: Summary): boolean {
  return summary.counts.unknownBackend > 0 && backends(summary).every((backend) => backend.count === 0);
}

/** The mismatch rate at which sessions are lost wholesale, where there is one. */
function lostWholesale(summary: Summary): number | undefined {
  const mismatch = summary.mismatchRate.value;
  return mismatch !== null && mismatch >= findingBounds.lostSessions ? mismatch : undefined;
}

const notStickyNotShared: FindingRule = {
  id: 'not-sticky-not-shared',
  severity: 'critical',
  says: 'the balancer is not sticky and the backends do not share sessions',
  when: `mismatch rate ≥ ${percent(findingBounds.lostSessions)} and switch rate ≥ ${percent(findingBounds.notSticky)}, over 2 or more backends`,
  derive({ summary }) {
    const mismatch = summary.mismatchRate.value;
    const switches = summary.switchRate;
    if (mismatch === null || switches === null || backends(summary).length < 2) return [];
    if (mismatch < findingBounds.lostSessions || switches < findingBounds.notSticky) return [];
    return [
      finding(
        this,
        `Not sticky and not shared: a user's requests moved between backends (${percent(switches)} of ` +
          `consecutive requests changed backend) and the backend they reached did not know the session ` +
          `(${percent(mismatch)} of authenticated answers were mismatches). Pin users to a backend (a balancer ` +
          'cookie) or share the sessions (an external store, replication, signed tokens).',
        { mismatchRate: mismatch, switchRate: switches, mismatches: summary.mismatchRate.mismatches },
      ),
    ];
  },
};

const lostUnseen: FindingRule = {
  id: 'sessions-lost-backend-unseen',
  severity: 'critical',
  says: 'sessions were lost wholesale: neither pinned to the backend holding them nor shared; no answer named its backend, so stickiness cannot be measured (with the header to add on each balancer)',
  when: `mismatch rate ≥ ${percent(findingBounds.lostSessions)}, and no answer's backend known`,
  derive({ summary }) {
    const mismatch = lostWholesale(summary);
    if (mismatch === undefined || !backendUnseen(summary)) return [];
    const { mismatches, of } = summary.mismatchRate;
    return [
      finding(
        this,
        `Sessions were lost wholesale: ${percent(mismatch)} of authenticated answers were mismatches ` +
          `(${mismatches} of ${of}), a rate that means the sessions are neither pinned to the backend that ` +
          'holds them nor shared between backends (round robin over memory sessions loses (N-1)/N of them). ' +
          'No answer said which backend served it, so whether users were pinned (stickiness) cannot be ' +
          'measured: add a header that names the backend, as below.',
        { mismatchRate: mismatch, mismatches, authenticated: of },
        backendHeaderAdvice,
      ),
    ];
  },
};

const stickinessUnmeasured: FindingRule = {
  id: 'stickiness-not-measured',
  severity: 'info',
  says: 'no answer said which backend served it: shares, skew, affinity and switches are unknown; how to add a header on HAProxy, nginx, Caddy, Apache, Traefik and Envoy',
  when: `no answer's backend known, mismatch rate below ${percent(findingBounds.lostSessions)}`,
  derive({ summary }) {
    // With sessions lost wholesale, sessions-lost-backend-unseen says this and more.
    if (!backendUnseen(summary) || lostWholesale(summary) !== undefined) return [];
    return [
      finding(
        this,
        `Stickiness cannot be measured: none of the ${summary.counts.unknownBackend} answers said which ` +
          'backend served it, so backend shares, load skew, affinity and switches are not known. Add a header ' +
          'that names the backend:',
        { unknownBackend: summary.counts.unknownBackend },
        backendHeaderAdvice,
      ),
    ];
  },
};

const pinnedElsewhere: FindingRule = {
  id: 'pinned-elsewhere',
  severity: 'critical',
  says: 'users are pinned, but not to the backend holding their session (the stickiness key is unknown when the login is routed, as with a hash of the session cookie)',
  when: `affinity ≥ ${percent(findingBounds.pinned)}, switch rate ≤ ${percent(findingBounds.pinnedSwitches)}, mismatch rate ≥ ${percent(findingBounds.pinnedButLost)}`,
  derive({ summary }) {
    const mismatch = summary.mismatchRate.value;
    const { affinity, switchRate } = summary;
    if (mismatch === null || affinity === null || switchRate === null) return [];
    if (affinity < findingBounds.pinned || switchRate > findingBounds.pinnedSwitches) return [];
    if (mismatch < findingBounds.pinnedButLost) return [];
    return [
      finding(
        this,
        `Users are pinned, but not to the backend that holds their session: ${percent(affinity)} of each ` +
          `user's requests went to one backend, yet ${percent(mismatch)} of authenticated answers were ` +
          'mismatches. The stickiness key is likely unknown when the login is routed (a hash of the session ' +
          'cookie, which the login request does not carry yet), so the login lands on another backend than ' +
          "the user's later requests.",
        { affinity, switchRate, mismatchRate: mismatch },
      ),
    ];
  },
};

const everyoneOnOneBackend: FindingRule = {
  id: 'one-backend',
  severity: 'warning',
  says: 'every user was served by one backend (an address hash seeing one client address; whether `traffic.sourceAddresses` is set)',
  when: `one backend has ≥ ${percent(findingBounds.oneBackend)} of the requests of ${findingBounds.oneBackendUsers} or more users, with 2 or more backends known`,
  derive({ summary, sourceAddressesSpread }) {
    const known = backends(summary);
    if (known.length < 2 || summary.vus.withResponses < findingBounds.oneBackendUsers) return [];
    const top = known.reduce((best, backend) => (backend.share > best.share ? backend : best));
    if (top.share < findingBounds.oneBackend) return [];
    const rest = known.filter((backend) => backend !== top);
    const others = rest.map((backend) => backend.name);
    const little = rest.every((backend) => backend.count === 0) ? 'none' : 'almost none';
    const cause = sourceAddressesSpread
      ? 'check that the balancer sees the spread client addresses and that the other backends are in its pool'
      : 'every virtual user comes from one client address (traffic.sourceAddresses is not set), and an ' +
        'address hash sends one address to one backend; spread the users with traffic.sourceAddresses';
    return [
      finding(
        this,
        `Every user was served by one backend: ${top.name} answered ${percent(top.share)} of the requests ` +
          `of ${summary.vus.withResponses} users, ${list(others)} ${little}. Behind an address hash, ${cause}.`,
        { share: top.share, backends: known.length, users: summary.vus.withResponses },
      ),
    ];
  },
};

const fewerBackendsThanListed: FindingRule = {
  id: 'fewer-backends-than-listed',
  severity: 'warning',
  says: 'fewer backends answered than `classify.backends` lists, naming the silent ones and any unlisted ones that answered',
  when: 'a listed backend answered nothing (and some answer named its backend)',
  derive({ summary, listedBackends }) {
    // Where no answer named a backend, none is known to have answered: stickiness-not-measured says so.
    if (listedBackends.length === 0 || backendUnseen(summary)) return [];
    const counts = summary.backendShare;
    const silent = listedBackends.filter((name) => (counts[name]?.count ?? 0) === 0);
    if (silent.length === 0) return [];
    const listed = new Set(listedBackends);
    const unlisted = Object.keys(counts).filter(
      (name) => !listed.has(name) && (counts[name]?.count ?? 0) > 0,
    );
    const answered = listedBackends.length - silent.length;
    const skew = summary.loadSkew === null ? '' : ` Load skew (${summary.loadSkew.toFixed(2)}) counts them.`;
    const strangers =
      unlisted.length === 0
        ? ''
        : ` Answers came from backends not listed: ${list(unlisted)} (does classify.backend read the same names?).`;
    return [
      finding(
        this,
        `Fewer backends answered than listed: ${answered} of ${listedBackends.length} ` +
          `(${list(silent)} answered nothing).${skew}${strangers}`,
        { listed: listedBackends.length, answered, unlisted: unlisted.length },
      ),
    ];
  },
};

const regularSessionAge: FindingRule = {
  id: 'regular-session-age',
  severity: 'warning',
  says: 'sessions end on the server at a regular age: a lifetime the profile should state',
  when: `${findingBounds.regularAgeLosses} or more sessions lost outside chaos windows, median age ≥ ${seconds(findingBounds.regularAgeMinMs)}, (p90 - p10) ≤ ${percent(findingBounds.regularAgeSpread)} of the median`,
  derive({ summary }) {
    const ages = summary.sessionAgeAtLoss;
    if (ages === undefined || ages.count < findingBounds.regularAgeLosses) return [];
    if (ages.p50 < findingBounds.regularAgeMinMs) return [];
    const spread = (ages.p90 - ages.p10) / ages.p50;
    if (spread > findingBounds.regularAgeSpread) return [];
    return [
      finding(
        this,
        `Sessions end on the server at a regular age: ${ages.count} sessions were lost between ` +
          `${seconds(ages.p10)} and ${seconds(ages.p90)} after their login (median ${seconds(ages.p50)}), ` +
          `outside any chaos window. The server likely ends sessions after about ${seconds(ages.p50)}; state ` +
          "the server's session lifetime in the profile so that these count as expired, not lost.",
        { sessions: ages.count, p10: ages.p10, p50: ages.p50, p90: ages.p90 },
      ),
    ];
  },
};

const cookieDropped: FindingRule = {
  id: 'session-cookie-dropped',
  severity: 'warning',
  says: 'the server cleared the session cookie; those requests are counted apart',
  when: 'any request with reason `session_cleared`',
  derive({ summary }) {
    const cleared = summary.counts.reasons.session_cleared;
    if (cleared === 0) return [];
    return [
      finding(
        this,
        `The server dropped the session cookie: ${cleared} requests were sent after an answer cleared the ` +
          "user's session cookie (Set-Cookie with a past expiry or Max-Age=0); they are counted apart from " +
          'mismatches.',
        { requests: cleared },
      ),
    ];
  },
};

const errorsDuringChaos: FindingRule = {
  id: 'errors-during-chaos',
  severity: 'warning',
  says: 'a chaos action was followed by errors, with the users affected and recovered',
  when: 'one per action whose impact window has errors',
  derive({ summary: { impact: impacts }, chaosActions }) {
    return impacts
      .filter((impact) => impact.errors > 0)
      .map((impact) => {
        // A rolling action's steps are `chaos-2.1`, `chaos-2.2`: each names the action `chaos-2`.
        const action = chaosActions.find(
          (candidate) => impact.id === candidate.id || impact.id.startsWith(`${candidate.id}.`),
        );
        const what = [action?.action, action?.target].filter((part) => part !== undefined).join(' ');
        const recovered =
          impact.vusRecovered === 0
            ? 'none got an ok again'
            : `${impact.vusRecovered} got an ok again (median ${seconds(impact.recovery.p50)} after the action)`;
        return finding(
          this,
          `Errors while chaos acted: ${what === '' ? impact.id : `${what} (${impact.id})`} was followed by ` +
            `${impact.errors} errors in its ${seconds(impact.windowMs)} window; ${impact.vusAffected} users ` +
            `were affected, ${recovered}.`,
          {
            errors: impact.errors,
            mismatches: impact.mismatches,
            usersAffected: impact.vusAffected,
            usersRecovered: impact.vusRecovered,
            windowMs: impact.windowMs,
          },
        );
      });
  },
};

/** Every rule, in the order their findings are shown. Adding a rule is adding it here. */
export const findingRules: readonly FindingRule[] = [
  notStickyNotShared,
  lostUnseen,
  pinnedElsewhere,
  everyoneOnOneBackend,
  fewerBackendsThanListed,
  regularSessionAge,
  cookieDropped,
  errorsDuringChaos,
  stickinessUnmeasured,
];

/** The findings of a run: every rule over the same input, most severe first (rule order within). */
export function deriveFindings(
  input: FindingsInput,
  rules: readonly FindingRule[] = findingRules,
): Finding[] {
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  return rules
    .flatMap((rule) => rule.derive(input))
    .map((found, order) => ({ found, order }))
    .sort((a, b) => rank[a.found.severity] - rank[b.found.severity] || a.order - b.order)
    .map(({ found }) => found);
}
