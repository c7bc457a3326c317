import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { FileUnreadableError, type Problem, ProfileError } from '../errors.js';
import { interpolateEnvironment } from './interpolate.js';
import { applyOverrides, type OverrideValues } from './overrides.js';
import { issuesToProblems } from './problems.js';
import { type Profile, profileSchema } from './schema/index.js';

/** A validated profile with defaults resolved and secrets read: what a run executes. */
export interface Plan {
  source: string;
  profile: Profile;
  /** Values taken from the environment; every output redacts them. */
  secrets: readonly string[];
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  flags?: OverrideValues;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a profile'
          : String(error);
    throw new FileUnreadableError(path, reason);
  }
}

/** Parses YAML or JSON (YAML 1.2 reads both), reporting every syntax error with its line and column. */
export function parseProfileText(text: string): { value: unknown; problems: Problem[] } {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const position = error.linePos?.[0];
      const where = position === undefined ? '' : `line ${position.line}, column ${position.col}: `;
      const summary = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:$/, '');
      return { path: '', message: `${where}${summary}` };
    });
    return { value: undefined, problems };
  }
  return { value: document.toJS(), problems: [] };
}

/** Validates profile text against the schema after environment and flag overrides. Pure but for `env`. */
export function resolvePlan(source: string, text: string, options: LoadOptions = {}): Plan {
  const env = options.env ?? process.env;
  const parsed = parseProfileText(text);
  if (parsed.problems.length > 0) throw new ProfileError(source, parsed.problems);
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    throw new ProfileError(source, [
      { path: '', message: 'expected a mapping of profile fields at the top level' },
    ]);
  }

  const interpolated = interpolateEnvironment(parsed.value, env);
  const { profile: raw, origins } = applyOverrides(
    interpolated.value as Record<string, unknown>,
    env,
    options.flags ?? {},
  );
  const result = profileSchema.safeParse(raw);
  const problems = [...interpolated.problems];
  if (!result.success) {
    for (const problem of issuesToProblems(result.error.issues)) {
      const origin = origins.get(problem.path);
      problems.push(
        origin === undefined ? problem : { ...problem, message: `${problem.message} (from ${origin})` },
      );
    }
  }
  if (problems.length > 0 || !result.success) throw new ProfileError(source, problems);
  return { source, profile: result.data, secrets: interpolated.secrets };
}

export async function loadPlan(path: string, options: LoadOptions = {}): Promise<Plan> {
  return resolvePlan(path, await readText(path), options);
}
