import { randomBytes } from 'node:crypto';
import { appendFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The path that means standard output. */
export const stdoutPath = '-';

/** Writes through a temporary file in the same directory and a rename, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, path);
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
