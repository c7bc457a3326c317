import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputFlags } from '../helpers/report-files.js';
import { startScriptedServer } from '../helpers/scripted-server.js';
import { writeSmallProfile } from '../helpers/small-profile.js';
import { testDir } from '../helpers/test-dir.js';
import { runCli } from './run-cli.js';

/** A 48 kB tmpfs: the JUnit and Markdown fit, the HTML page (its script alone is larger) does not. */
function mountTinyDisk(dir: string): () => void {
  if (process.getuid?.() !== 0) {
    throw new Error('this test mounts a tmpfs to fill a disk: it must run as root (CI does)');
  }
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48k', 'tmpfs', dir]);
  return () => execFileSync('umount', [dir]);
}

describe('session-chaos run: a report that cannot be written after the run', () => {
  it('writes the other reports, prints the summary, exits 4 naming the file; a full trace stops tracing only', async () => {
    const server = await startScriptedServer({ password: 'pw' });
    const dir = testDir('session-chaos-full-');
    const tiny = join(dir, 'tiny');
    mkdirSync(tiny);
    const unmount = mountTinyDisk(tiny);
    try {
      const profile = writeSmallProfile(dir, server.url);
      const files = {
        json: join(dir, 'r.json'),
        junit: join(tiny, 'r.xml'),
        markdown: join(tiny, 'r.md'),
        html: join(tiny, 'r.html'),
      };
      const stepSummary = join(dir, 'step-summary.md');
      const { code, stdout, stderr } = await runCli(
        ['run', '--profile', profile, '--quiet', ...outputFlags(files), '--trace', '/dev/full'],
        { GITHUB_STEP_SUMMARY: stepSummary },
      );
      expect(stdout).toContain('PASSED');
      expect(stderr).toContain(`outputs.html: cannot write ${files.html}: no space left on the device`);
      expect(code).toBe(4);
      expect(
        stderr.match(/trace: writing \/dev\/full failed \(ENOSPC\); tracing stopped, the run goes on/g),
      ).toHaveLength(1);
      expect(JSON.parse(readFileSync(files.json, 'utf8'))).toMatchObject({ verdict: { status: 'passed' } });
      expect(readFileSync(files.junit, 'utf8')).toMatch(/^<\?xml/);
      expect(readFileSync(files.markdown, 'utf8')).toMatch(/^## session-chaos/);
      expect(readFileSync(stepSummary, 'utf8')).toMatch(/^## session-chaos/);
      expect(existsSync(files.html)).toBe(false);
    } finally {
      unmount();
      await server.close();
    }
  });
});
