import { parseArgs } from 'node:util';

/** The bench's sections, in the order they run; soak only when `--only` names it (it takes 10 minutes). */
export const sectionNames = ['throughput', 'alternating', 'open', 'soak', 'rss', 'offline'] as const;
export type SectionName = (typeof sectionNames)[number];
const defaultSections: readonly SectionName[] = ['throughput', 'alternating', 'rss', 'open', 'offline'];

export interface BenchConfig {
  durationSeconds: number;
  rounds: number;
  connections: number;
  rssUsers: number[];
  openRate: number;
  openDurationSeconds: number;
  openUsers: number;
  pauseMs: number;
  sliceMs: number;
  turnRounds: number;
  soakSeconds: number;
  soakSampleSeconds: number;
  sections: ReadonlySet<SectionName>;
  cpuProfile: boolean;
}

/** Each flag with its default and its line of `--help`. */
const flags = {
  duration: { default: '10', help: 'seconds per throughput run' },
  rounds: { default: '3', help: 'interleaved rounds of each generator' },
  connections: {
    default: '50',
    help: 'connections (autocannon, wrk) = virtual users (session-chaos)',
  },
  'rss-users': { default: '10000,100000', help: 'logged-in VU counts whose RSS is measured' },
  'open-rate': { default: '1000', help: 'open-model arrival rate, requests/s' },
  'open-duration': { default: '6', help: 'open-model run length, seconds' },
  'open-users': {
    default: '200',
    help: 'open-model users; few, so that a stall makes arrivals wait for a user',
  },
  'pause-ms': { default: '1000', help: 'how long a backend is paused (SIGSTOP) in the open-model run' },
  'slice-ms': { default: '1000', help: 'alternating section: length of each turn (at most 20000)' },
  turns: { default: '60', help: 'alternating section: measured rounds of turns' },
  'soak-duration': { default: '600', help: 'soak section: length of the closed-model run, seconds' },
  'soak-sample': { default: '10', help: 'soak section: seconds between RSS samples' },
  only: {
    default: defaultSections.join(','),
    help: `sections: ${sectionNames.join(',')} (soak only when named)`,
  },
} as const;

// A child paused through four turns of the others must not see its requests time out (120 s in pausable runs).
const maxSliceMs = 20_000;

export function helpText(): string {
  const lines = Object.entries(flags).map(
    ([name, flag]) => `  --${name.padEnd(16)} ${flag.help} (${flag.default})`,
  );
  return [
    'npm run bench -- [options]',
    ...lines,
    `  --${'cpu-prof'.padEnd(16)} write a V8 CPU profile of each session-chaos throughput run to bench/results/`,
    '',
  ].join('\n');
}

export type ParsedArgs = { help: true } | { config: BenchConfig } | { problems: string[] };

/** Reads the command line; every bad flag is named, all of them at once. */
export function parseBenchArgs(args: readonly string[]): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        ...Object.fromEntries(
          Object.entries(flags).map(([name, flag]) => [name, { type: 'string', default: flag.default }]),
        ),
        'cpu-prof': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return { problems: [error instanceof Error ? error.message : String(error)] };
  }
  if (values.help === true) return { help: true };
  const problems: string[] = [];
  const text = (name: keyof typeof flags): string => String(values[name]);
  const positive = (name: keyof typeof flags, value = text(name)): number => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
      problems.push(`--${name}: expected a positive number, got ${value}`);
    }
    return number;
  };
  const whole = (name: keyof typeof flags): number => Math.round(positive(name));
  const sliceMs = positive('slice-ms');
  if (sliceMs > maxSliceMs) problems.push(`--slice-ms: at most ${maxSliceMs}, got ${sliceMs}`);
  const sections = text('only').split(',');
  for (const section of sections) {
    if (!(sectionNames as readonly string[]).includes(section)) {
      problems.push(`--only: no section ${section} (sections: ${sectionNames.join(', ')})`);
    }
  }
  const config: BenchConfig = {
    durationSeconds: positive('duration'),
    rounds: whole('rounds'),
    connections: whole('connections'),
    rssUsers: text('rss-users')
      .split(',')
      .map((users) => Math.round(positive('rss-users', users))),
    openRate: positive('open-rate'),
    openDurationSeconds: positive('open-duration'),
    openUsers: whole('open-users'),
    pauseMs: positive('pause-ms'),
    sliceMs,
    turnRounds: whole('turns'),
    soakSeconds: positive('soak-duration'),
    soakSampleSeconds: positive('soak-sample'),
    sections: new Set(sections as SectionName[]),
    cpuProfile: values['cpu-prof'] === true,
  };
  return problems.length > 0 ? { problems } : { config };
}
