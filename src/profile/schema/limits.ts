/**
 * The largest values a profile may ask for. Each is what one run on a 2-core, 24 GB machine can carry without
 * exhausting memory, file descriptors or the timer range (the README's "Limits" lists them with the reason);
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

/** "at most 100,000", with the pointer to where the limits are explained. */
export function atMost(limit: number | string, unit = ''): string {
  const amount = typeof limit === 'number' ? limit.toLocaleString('en-US') : limit;
  return `at most ${amount}${unit} (see "Limits" in the README)`;
}
