import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputWriteError } from '../../src/errors.js';
import { outputPathProblems } from '../../src/report/check-outputs.js';
import { serializeResult } from '../../src/report/formats.js';
import { writeReports } from '../../src/report/outputs.js';
import { writeFileAtomic } from '../../src/report/write.js';
import { reportFiles } from '../helpers/report-files.js';
import { testDir } from '../helpers/test-dir.js';
import { fixedResult } from './fixtures.js';

function capture() {
  let text = '';
  return { stdout: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

describe('writeReports', () => {
  const result = fixedResult();

  it('writes the JSON, JUnit and Markdown files it is asked for, and leaves no temporary file', async () => {
    const dir = testDir('session-chaos-reports-');
    const out = capture();
    const paths = reportFiles(dir);
    await writeReports(result, paths, { ...out, env: {} });
    expect(JSON.parse(readFileSync(paths.json, 'utf8'))).toEqual(JSON.parse(serializeResult(result)));
    expect(readFileSync(paths.junit, 'utf8')).toMatch(/^<\?xml/);
    expect(readFileSync(paths.markdown, 'utf8')).toMatch(/^## session-chaos/);
    expect(readdirSync(dir).sort()).toEqual(['r.json', 'r.md', 'r.xml']);
    expect(out.text()).toBe('');
  });

  it('writes the JSON to stdout for -', async () => {
    const out = capture();
    await writeReports(result, { json: '-' }, { ...out, env: {} });
    expect(out.text()).toBe(serializeResult(result));
  });

  it('appends the Markdown to $GITHUB_STEP_SUMMARY when it is set', async () => {
    const dir = testDir('session-chaos-reports-');
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const context = { ...capture(), env: { GITHUB_STEP_SUMMARY: summary } };
    await writeReports(result, {}, context);
    await writeReports(result, {}, context);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## session-chaos')).toBe(true);
    expect(text.match(/^## session-chaos/gm)).toHaveLength(2);
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole', async () => {
    const dir = testDir('session-chaos-atomic-');
    const path = join(dir, 'r.json');
    writeFileSync(path, 'old');
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('writes through a link to the file it points to, and keeps the link', async () => {
    const dir = testDir('session-chaos-atomic-');
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'r.json'), 'old');
    symlinkSync(join(dir, 'real', 'r.json'), join(dir, 'link.json'));
    await writeFileAtomic(join(dir, 'link.json'), 'new');
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real', 'r.json'), 'utf8')).toBe('new');
    expect(readdirSync(join(dir, 'real'))).toEqual(['r.json']);
  });

  it('writes a FIFO in place (as /dev/null or /dev/full): it stays a FIFO, its reader gets the text', async () => {
    const dir = testDir('session-chaos-atomic-');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const read = new Promise<string>((resolve, reject) => {
      let text = '';
      createReadStream(fifo, 'utf8')
        .on('data', (chunk) => (text += chunk))
        .on('end', () => resolve(text))
        .on('error', reject);
    });
    expect(await outputPathProblems({ json: fifo })).toEqual([]);
    await writeFileAtomic(fifo, 'new');
    expect(await read).toBe('new');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['fifo']);
  });

  it('fails without leaving a temporary file when it cannot rename', async () => {
    const dir = testDir('session-chaos-atomic-');
    // A directory in the way: the rename fails after the temporary file was written.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'taken'));
    writeFileSync(join(dir, 'taken', 'x'), '');
    await expect(writeFileAtomic(join(dir, 'taken'), 'text')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});

describe('writeReports when a file cannot be written', () => {
  it('writes the others, then throws one error (exit 4) naming each file that failed', async () => {
    const dir = testDir('session-chaos-reports-');
    const paths = {
      html: join(dir, 'gone', 'r.html'),
      json: join(dir, 'r.json'),
      markdown: join(dir, 'r.md'),
    };
    const error = await writeReports(fixedResult(), paths, { ...capture(), env: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as OutputWriteError).exitCode).toBe(4);
    expect((error as OutputWriteError).failures).toEqual([
      { path: 'outputs.html', message: expect.stringContaining(`cannot write ${paths.html}`) },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['r.json', 'r.md']);
  });
});

describe('outputPathProblems', () => {
  it('passes writable paths and stdout, names each field at fault', async () => {
    const dir = testDir('session-chaos-check-');
    writeFileSync(join(dir, 'old.json'), '{}');
    expect(
      await outputPathProblems({ json: join(dir, 'old.json'), junit: '-', html: join(dir, 'r.html') }),
    ).toEqual([]);
    expect(readdirSync(dir)).toEqual(['old.json']);
    expect(
      await outputPathProblems({ markdown: join(dir, 'old.json', 'r.md'), html: join(dir, 'no', 'r.html') }),
    ).toEqual([
      { path: 'outputs.markdown', message: `${join(dir, 'old.json')} is not a directory` },
      { path: 'outputs.html', message: `the directory ${join(dir, 'no')} does not exist` },
    ]);
  });
});
