import { type OutputField, reportFileOutputs } from './report-files.js';
import type { ProfileInput } from './schema/index.js';

/** Dotted paths of the profile's fields, two levels deep: the places a flag or variable may set. */
type FieldPath = {
  [Section in keyof ProfileInput & string]-?: NonNullable<ProfileInput[Section]> extends readonly unknown[]
    ? never
    : NonNullable<ProfileInput[Section]> extends object
      ? `${Section}.${keyof NonNullable<ProfileInput[Section]> & string}`
      : Section;
}[keyof ProfileInput & string];

type ValueKind = 'string' | 'integer' | 'number';

export interface Override {
  /** The commander attribute name, derived from the long flag. */
  key: string;
  flag: string;
  env: string;
  path: FieldPath;
  kind: ValueKind;
  description: string;
  /** Other fields the override implies, such as the open model for a rate. */
  implies?: Partial<Record<FieldPath, string>>;
}

/** One override per report file format: `--html <file>`, `SESSION_CHAOS_HTML`... */
function reportFileOverrides(): Array<Override & { key: OutputField }> {
  return reportFileOutputs.map((output) => ({
    key: output.field,
    flag: output.flag,
    env: output.env,
    path: `outputs.${output.field}`,
    kind: 'string',
    description: `${output.description} (outputs.${output.field})`,
  }));
}

/**
 * Settings a flag or environment variable can override; the order is defaults < profile < environment < flags.
 * The paths are typed against the profile, so this table cannot drift from the schema.
 */
export const overrides = [
  {
    key: 'target',
    flag: '--target <url>',
    env: 'SESSION_CHAOS_TARGET',
    path: 'target.url',
    kind: 'string',
    description: 'base URL of the balancer (target.url)',
  },
  {
    key: 'client',
    flag: '--client <name>',
    env: 'SESSION_CHAOS_CLIENT',
    path: 'target.client',
    kind: 'string',
    description: 'HTTP client: engine or undici, the reference (target.client)',
  },
  {
    key: 'users',
    flag: '--users <n>',
    env: 'SESSION_CHAOS_USERS',
    path: 'traffic.users',
    kind: 'integer',
    description: 'virtual users (traffic.users)',
  },
  {
    key: 'duration',
    flag: '--duration <duration>',
    env: 'SESSION_CHAOS_DURATION',
    path: 'traffic.duration',
    kind: 'string',
    description: 'traffic phase length, e.g. 30s (traffic.duration)',
  },
  {
    key: 'requests',
    flag: '--requests <n>',
    env: 'SESSION_CHAOS_REQUESTS',
    path: 'traffic.requests',
    kind: 'integer',
    description: 'stop after this many requests (traffic.requests)',
  },
  {
    key: 'rate',
    flag: '--rate <per-second>',
    env: 'SESSION_CHAOS_RATE',
    path: 'traffic.rate',
    kind: 'number',
    description: 'open model arrival rate; implies traffic.model open (traffic.rate)',
    implies: { 'traffic.model': 'open' },
  },
  {
    key: 'seed',
    flag: '--seed <n>',
    env: 'SESSION_CHAOS_SEED',
    path: 'traffic.seed',
    kind: 'integer',
    description: 'random seed (traffic.seed)',
  },
  {
    key: 'relogin',
    flag: '--relogin <policy>',
    env: 'SESSION_CHAOS_RELOGIN',
    path: 'relogin',
    kind: 'string',
    description: 'relogin, never or "after N" (relogin)',
  },
  ...reportFileOverrides(),
  {
    key: 'trace',
    flag: '--trace <file>',
    env: 'SESSION_CHAOS_TRACE',
    path: 'outputs.trace',
    kind: 'string',
    description: 'write one JSON line per request (outputs.trace)',
  },
] as const satisfies readonly Override[];

type OverrideKey = (typeof overrides)[number]['key'];
export type OverrideValues = Partial<Record<OverrideKey, string>>;

function convert(text: string, kind: ValueKind): unknown {
  if (kind === 'integer' && /^-?\d+$/.test(text)) return Number(text);
  if (kind === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  // Left as text, so validation reports the wrong type against the field.
  return text;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    const child = node[key];
    if (child === null || typeof child !== 'object' || Array.isArray(child)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[last] = value;
}

export interface AppliedOverrides {
  profile: Record<string, unknown>;
  /** Which flag or variable set each path, so a validation problem can name it. */
  origins: Map<string, string>;
}

/** Applies environment variables, then flags (so flags win), onto a copy of the parsed profile. */
export function applyOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  flags: OverrideValues,
): AppliedOverrides {
  const profile = structuredClone(raw);
  const origins = new Map<string, string>();
  const layers: Array<[(o: Override) => string | undefined, (o: Override) => string]> = [
    // CI systems pass an input left blank as an empty variable: empty counts as unset (the README says so).
    [(o) => env[o.env] || undefined, (o) => o.env],
    [(o) => flags[o.key as OverrideKey], (o) => o.flag.split(' ')[0] ?? o.flag],
  ];
  for (const [read, name] of layers) {
    for (const override of overrides as readonly Override[]) {
      const text = read(override);
      if (text === undefined) continue;
      setPath(profile, override.path, convert(text, override.kind));
      origins.set(override.path, name(override));
      for (const [path, value] of Object.entries(override.implies ?? {})) setPath(profile, path, value);
    }
  }
  return { profile, origins };
}
