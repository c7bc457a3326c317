import { randomBytes } from 'node:crypto';
import { access, constants, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Problem, ProfileError } from '../errors.js';
import type { Plan } from '../profile/load.js';
import type { Outputs } from '../profile/schema/outputs.js';
import { stdoutPath } from './write.js';

async function statOrUndefined(path: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  return error instanceof Error ? error.message : String(error);
}

/** Why `path` cannot be written, or undefined when it can: its directory must exist and take a new file. */
async function whyUnwritable(path: string): Promise<string | undefined> {
  const directory = dirname(resolve(path));
  try {
    const existing = await statOrUndefined(path);
    if (existing?.isDirectory()) return `${path} is a directory`;
    // A device or FIFO (/dev/null) is written in place: only it must take writes, not its directory.
    if (existing !== undefined && !existing.isFile()) {
      await access(path, constants.W_OK);
      return undefined;
    }
    const parent = await statOrUndefined(directory);
    if (parent === undefined) return `the directory ${directory} does not exist`;
    if (!parent.isDirectory()) return `${directory} is not a directory`;
    // The reports are written through a temporary file in the same directory (and the trace is opened in
    // place): a probe file tells a read-only mount or a directory this user cannot write, even as root.
    const probe = join(directory, `.session-chaos-probe-${randomBytes(6).toString('hex')}`);
    await writeFile(probe, '');
    await rm(probe, { force: true });
    if (existing !== undefined) await access(path, constants.W_OK);
    return undefined;
  } catch (error) {
    return `cannot write ${path}: ${reasonOf(error)}`;
  }
}

/**
 * Every output path that cannot be written, named by its field (`outputs.html`, or what `name` makes of
 * the key: `--html` for the matrix); `-` (stdout) always can.
 */
export async function outputPathProblems(
  outputs: Outputs | Record<string, string | undefined>,
  name: (field: string) => string = (field) => `outputs.${field}`,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  const claimed = new Map<string, string>();
  for (const [field, path] of Object.entries(outputs)) {
    if (path === undefined || path === stdoutPath) continue;
    const key = resolve(path);
    const other = claimed.get(key);
    if (other !== undefined) {
      problems.push({ path: name(field), message: `${path} is also ${name(other)}` });
      continue;
    }
    claimed.set(key, field);
    const reason = await whyUnwritable(path);
    if (reason !== undefined) problems.push({ path: name(field), message: reason });
  }
  return problems;
}

/**
 * The plan's output paths, checked before any traffic: a report that could not be written would be found
 * only after the whole run. Throws a profile error (exit 2) naming every field at fault.
 */
export async function checkOutputPaths(plan: Plan): Promise<void> {
  const problems = await outputPathProblems(plan.profile.outputs);
  if (problems.length > 0) throw new ProfileError(plan.source, problems);
}
