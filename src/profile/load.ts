import { type FileHandle, open } from 'node:fs/promises';
import { type Alias, type Document, LineCounter, parseDocument, visit } from 'yaml';
import { FileUnreadableError, type Problem, ProfileError } from '../errors.js';
import { interpolateEnvironment } from './interpolate.js';
import { applyOverrides, type OverrideValues } from './overrides.js';
import { issuesToProblems } from './problems.js';
import { type Profile, profileSchema } from './schema/index.js';
import { limits } from './schema/limits.js';

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

function unreadable(path: string, error: unknown): FileUnreadableError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a profile' : String(error);
  return new FileUnreadableError(path, reason);
}

/** Reads at most one byte more than a profile may have, so a huge file (or /dev/zero) costs nothing to refuse. */
async function readText(path: string): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const buffer = Buffer.alloc(limits.profileBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    throw unreadable(path, error);
  } finally {
    await handle.close();
  }
}

function at(lineCounter: LineCounter, offset: number | undefined): string {
  if (offset === undefined) return '';
  const { line, col } = lineCounter.linePos(offset);
  return `line ${line}, column ${col}: `;
}

/**
 * Aliases are where YAML can blow up (a "billion laughs" bomb) or point nowhere; both are found before the
 * document is turned into values, with the line and column of the alias, instead of a thrown ReferenceError.
 */
function toValue(document: Document, lineCounter: LineCounter): { value: unknown; problems: Problem[] } {
  const aliases: Alias[] = [];
  visit(document, { Alias: (_key, node) => void aliases.push(node) });
  const unresolved = aliases
    .filter((alias) => alias.resolve(document) === undefined)
    .map((alias) => ({
      path: '',
      message: `${at(lineCounter, alias.range?.[0])}alias *${alias.source} has no anchor &${alias.source} before it`,
    }));
  if (unresolved.length > 0) return { value: undefined, problems: unresolved };
  try {
    return { value: document.toJS({ maxAliasCount: limits.yamlAliases }), problems: [] };
  } catch (error) {
    const excessive = /excessive alias count/i.test((error as Error).message);
    const message = excessive
      ? `aliases expand the document beyond yaml's maxAliasCount (${limits.yamlAliases}); write the values out, or use fewer aliases`
      : (error as Error).message;
    return {
      value: undefined,
      problems: [{ path: '', message: `${at(lineCounter, aliases[0]?.range?.[0])}${message}` }],
    };
  }
}

/** Parses YAML or JSON (YAML 1.2 reads both), reporting every syntax error with its line and column. */
function parseProfileText(text: string): { value: unknown; problems: Problem[] } {
  if (Buffer.byteLength(text) > limits.profileBytes) {
    const message = `the profile is larger than ${limits.profileBytes / 2 ** 20} MiB (see "Limits" in the README)`;
    return { value: undefined, problems: [{ path: '', message }] };
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const summary = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:$/, '');
      return { path: '', message: `${at(lineCounter, error.pos[0])}${summary}` };
    });
    return { value: undefined, problems };
  }
  return toValue(document, lineCounter);
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
