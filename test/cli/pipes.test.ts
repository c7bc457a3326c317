import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/esm/index.mjs', import.meta.url));
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Runs the CLI in a child whose stdout reader is gone before it writes: `session-chaos ... | head` at its worst. */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const script = `const { main } = await import(${JSON.stringify(main)}); process.exitCode = await main(['node', 'session-chaos', ...${JSON.stringify(args)}]);`;
  const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('a closed stdout pipe', () => {
  it.each([[['lab', 'up', '--help']], [['--help']]])(
    'ends %j quietly with exit 0',
    async (args) => {
      const { code, stderr } = await runIntoClosedPipe(args);
      expect(stderr).toBe('');
      expect(code).toBe(0);
    },
    30_000,
  );
});
