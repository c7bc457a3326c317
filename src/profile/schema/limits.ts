/**
 * The largest values a profile may ask for. Each is what one run on a 2-core, 24 GB machine can carry without
 * exhausting memory, file descriptors or the timer range (`limitRows` below says why, for the README);
 * beyond one the profile is refused (exit 2) naming the field, before anything is built.
 */
export const limits = {
  /** 100,000 logged-in VUs cost 180-350 MB (bench `--only rss`); each holds a jar and a connection. */
  users: 100_000,
  loginConcurrency: 10_000,
  sourceAddresses: 100_000,
  /** About three hours at the ~10,000 req/s two cores can drive. */
  requests: 100_000_000,
  /** Arrivals beyond what the users can send are counted as never sent, not queued; this bounds the timer. */
  rate: 100_000,
  backgroundRate: 100_000,
  backgroundConnections: 1_000,
  /** Any duration: the per-second timeline stays small, and Node's timers hold up to 24.8 days. */
  durationMs: 24 * 3_600_000,
  /** One request, one login, one wait for a backend, an impact window, a pause between requests. */
  shortDurationMs: 3_600_000,
  mix: 1_000,
  headers: 100,
  /** users x maxBodyBytes: the bodies held at once at worst (100,000 users at the default 64 KiB: 6.1 GiB). */
  maxBodyBytes: 16 * 1024 * 1024,
  bodyBytesInFlight: 8 * 1024 * 1024 * 1024,
  thresholds: 100,
  chaosEvents: 100,
  /** Actions planned over the run, by all events together (`every` repeats until the run ends). */
  chaosActions: 10_000,
  chaosTargets: 1_000,
  /** The profile file itself; a profile of many hundred mix entries is still far below this. */
  profileBytes: 1024 * 1024,
  /** yaml's maxAliasCount: how many nodes aliases may expand to, which stops an alias bomb. */
  yamlAliases: 100,
} as const;

const count = (value: number): string => value.toLocaleString('en-US');
const bytes = (value: number): string =>
  value % 2 ** 30 === 0 ? `${value / 2 ** 30} GiB` : `${value / 2 ** 20} MiB`;
const hours = (ms: number): string => `${ms / 3_600_000}h`;

/** One row of the README's "Limits": which fields, their maximum as the profile writes it, and why. */
export interface LimitRow {
  what: string;
  atMost: string;
  why: string;
}

/** The README's "Limits" table (`npm run docs` writes it), its maxima read from `limits`. */
export const limitRows: readonly LimitRow[] = [
  {
    what: 'the profile file',
    atMost: bytes(limits.profileBytes),
    why: 'read no further than that (a 50 MB file or `/dev/zero` is refused at once)',
  },
  {
    what: 'YAML aliases',
    atMost: `yaml's \`maxAliasCount\` ${count(limits.yamlAliases)}`,
    why: 'an alias bomb is refused with the line and column of its first alias; an alias with no anchor before it is refused at its line and column; every YAML error is exit 2 with line and column',
  },
  {
    what: '`traffic.users`',
    atMost: count(limits.users),
    why: 'each VU keeps a jar, a connection and its history: 100,000 cost 180-350 MB (bench `--only rss`)',
  },
  { what: '`traffic.login.concurrency`', atMost: count(limits.loginConcurrency), why: '' },
  { what: '`traffic.sourceAddresses.count`', atMost: count(limits.sourceAddresses), why: '' },
  {
    what: '`traffic.requests`',
    atMost: count(limits.requests),
    why: 'hours at what two cores drive (3,000-10,000 req/s)',
  },
  {
    what: '`traffic.rate`',
    atMost: `${count(limits.rate)} per second`,
    why: 'arrivals no user is free for are counted as never sent, not queued',
  },
  {
    what: '`traffic.background.rate`, `.connections`',
    atMost: `${count(limits.backgroundRate)} per second, ${count(limits.backgroundConnections)}`,
    why: '',
  },
  { what: '`traffic.mix`', atMost: `${count(limits.mix)} requests`, why: '' },
  { what: 'headers in any `headers` map', atMost: count(limits.headers), why: '' },
  {
    what: '`traffic.duration` and every other duration (`chaos.events[].at`, `every`, `for`, `lab.sessionTtl`, ...)',
    atMost: hours(limits.durationMs),
    why: "Node's timers hold 24.8 days; the per-second timeline stays small",
  },
  {
    what: '`target.timeout`, `traffic.thinkTime`, `traffic.login.rampUp`, `chaos.impactWindow`, `chaos.events[].jitter`, `timeout`, `waitTimeout`',
    atMost: hours(limits.shortDurationMs),
    why: 'one step of a run',
  },
  {
    what: '`target.maxBodyBytes`',
    atMost: `${bytes(limits.maxBodyBytes)}; and \`traffic.users\` x \`target.maxBodyBytes\` at most ${bytes(limits.bodyBytesInFlight)}`,
    why: 'every user may have a body in flight',
  },
  { what: '`thresholds`', atMost: count(limits.thresholds), why: '' },
  { what: '`chaos.events`', atMost: `${count(limits.chaosEvents)} events`, why: '' },
  {
    what: 'actions planned by `chaos.events`',
    atMost: `${count(limits.chaosActions)} over the run, per event and all together; \`times\` at most ${count(limits.chaosActions)}`,
    why: 'the plan is built in full (and printed by `--dry-run`): `every: 1ms` over an hour would plan 3,599,999, and is refused at `chaos.events[0].every` (or `--chaos[0].every`)',
  },
  { what: '`chaos.maxTargets`', atMost: count(limits.chaosTargets), why: '' },
];

/** "at most 100,000", with the pointer to where the limits are explained. */
export function atMost(limit: number | string, unit = ''): string {
  const amount = typeof limit === 'number' ? limit.toLocaleString('en-US') : limit;
  return `at most ${amount}${unit} (see "Limits" in the README)`;
}
