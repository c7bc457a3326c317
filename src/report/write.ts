import { randomBytes } from 'node:crypto';
import { appendFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The path that means standard output. */
export const stdoutPath = '-';

/**
 * Writes through a temporary file in the same directory and a rename, so a reader never sees half a file.
 * What is not a plain file (/dev/null, /dev/full, /dev/stdout, a FIFO) is written in place: a rename would put
 * a plain file where the device was (as root, /dev/null itself). A link is followed, as a plain write would.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) {
    await writeFile(path, text, 'utf8');
    return;
  }
  const target = existing === undefined ? path : await realpath(path);
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export interface OutputStreams {
  stdout: { write(text: string): unknown };
}

/** Writes `text` to `path` atomically, or to standard output for `-`. */
export async function writeOutput(path: string, text: string, streams: OutputStreams): Promise<void> {
  if (path === stdoutPath) streams.stdout.write(text);
  else await writeFileAtomic(path, text);
}

export async function appendOutput(path: string, text: string): Promise<void> {
  await appendFile(path, text, 'utf8');
}
