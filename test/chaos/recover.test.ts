import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LedgerEntry, ledgerDir } from '../../src/chaos/ledger.js';
import { describeRecoverLine, recoverLedgers } from '../../src/chaos/recover.js';
import { testDir } from '../helpers/test-dir.js';
import { scalingDriver } from './helpers/scaling-driver.js';

const scale = { out: ['grow'], in: ['shrink', '{target}'] };

/** The entry a scale of member `name` wrote, undone by the other direction. */
function scaleEntry(id: string, name: string, action: 'scale-in' | 'scale-out') {
  const undo = action === 'scale-in' ? 'scale-out' : 'scale-in';
  return { id, driver: 'fake', config: {}, target: { id: `id-${name}`, name }, action, undo, scale } as const;
}

/** A ledger left by a run that died (its owner a process that has exited). */
function deadRunLedger(env: NodeJS.ProcessEnv, entries: Omit<LedgerEntry, 'at' | 'state'>[]): string {
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  const dir = ledgerDir(env);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `run-${dead}-1-1.json`);
  const at = '2026-12-04T05:00:00.000Z';
  const file = {
    version: 1,
    owner: { pid: dead, startTime: 1 },
    startedAt: at,
    entries: entries.map((entry) => ({ ...entry, at, state: 'open' })),
  };
  writeFileSync(path, JSON.stringify(file));
  return path;
}

describe('recover of scales a dead run left', () => {
  it('scales in the member a scale-out added and scales out in place of the one a scale-in removed', async () => {
    const env = { SESSION_CHAOS_STATE_DIR: testDir('sc-recover-') };
    const path = deadRunLedger(env, [
      scaleEntry('1.1', 'b2', 'scale-in'),
      scaleEntry('2.2', 'b3', 'scale-out'),
    ]);
    const dry = await recoverLedgers({ env, dryRun: true });
    expect(dry.lines.map(describeRecoverLine)).toEqual([
      'would scale out one member in place of b2 (fake), left by scale-in at 2026-12-04T05:00:00.000Z',
      'would scale in b3 (fake), left by scale-out at 2026-12-04T05:00:00.000Z',
    ]);
    const fake = scalingDriver();
    const report = await recoverLedgers({ env, driverFor: () => fake.driver });
    expect(fake.calls).toEqual(['out grow', 'in b3']);
    expect(report.failed).toBe(0);
    expect(report.lines.map((line) => line.result)).toEqual([
      { outcome: 'restored', action: 'scale-out' },
      { outcome: 'restored', action: 'scale-in' },
    ]);
    expect(existsSync(path)).toBe(false);
  });

  it('keeps an entry open when its scale fails, for the next recover', async () => {
    const env = { SESSION_CHAOS_STATE_DIR: testDir('sc-recover-') };
    const path = deadRunLedger(env, [scaleEntry('1.1', 'b1', 'scale-out')]);
    const fake = scalingDriver({ failIn: 'b1' });
    const report = await recoverLedgers({ env, driverFor: () => fake.driver });
    expect(report.failed).toBe(1);
    expect(report.lines.map(describeRecoverLine)).toEqual([
      'could not restore b1 (fake), left by scale-out at 2026-12-04T05:00:00.000Z: cannot remove b1',
    ]);
    expect(existsSync(path)).toBe(true);
  });
});
