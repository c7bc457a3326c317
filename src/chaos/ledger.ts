import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isAlive, type ProcessIdentity, thisProcessIdentity } from '../util/proc.js';
import type { ChaosTarget, ScaleAction, ScaleCommands, TargetAction } from './driver.js';

/**
 * The chaos ledger: before an action that takes a target down, the run writes what it is about to do and how
 * to undo it, so that a run killed outright (SIGKILL, OOM, a lost CI runner) leaves a way back. One file per
 * run, replaced atomically (write, then rename) at every change; removed once every entry is undone.
 *
 * Scaling changes a group's size, and its undo puts the size back: a scale-in is written before its command
 * runs (undo: a scale-out, a new member in place of the removed one); a scale-out once its command has named
 * the member it added (undo: a scale-in of that member), since before that there is no member to name. A run
 * killed while a scale-out command runs leaves the group one member larger, and recover does not know it.
 */

export interface LedgerEntry {
  /** `<seq>.<n>`: the planned action and the n-th write of this run. */
  id: string;
  driver: string;
  /** The driver's own settings (ChaosDriver.config), to make it again in another process. */
  config: Readonly<Record<string, unknown>>;
  target: ChaosTarget;
  action: TargetAction | ScaleAction;
  /**
   * What brings the target back: `start` after a stop, kill or restart, `unpause` after a pause; what puts the
   * group back to its size: `scale-in` of the member a scale-out added, `scale-out` after a scale-in.
   */
  undo: 'start' | 'unpause' | ScaleAction;
  /** The scale commands of a scale entry, which its undo runs. */
  scale?: ScaleCommands;
  /** When it was written (ISO time). */
  at: string;
  /** `open` until the run saw the target back or restored it. */
  state: 'open' | 'undone';
}

interface LedgerFile {
  version: 1;
  /** The run that wrote it: while it lives, it is the one to restore what it took down. */
  owner: ProcessIdentity;
  startedAt: string;
  entries: LedgerEntry[];
}

const ledgerVersion = 1;

/**
 * `$SESSION_CHAOS_STATE_DIR/ledger`, else `$XDG_STATE_HOME/session-chaos/ledger`, else
 * `~/.local/state/session-chaos/ledger`.
 */
export function ledgerDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SESSION_CHAOS_STATE_DIR) return join(env.SESSION_CHAOS_STATE_DIR, 'ledger');
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'session-chaos', 'ledger');
}

function writeAtomically(path: string, file: LedgerFile): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

export interface Ledger {
  readonly path: string;
  /** Writes the entry (synchronously: it is on disk before the action is sent) and returns its id. */
  open(entry: Omit<LedgerEntry, 'id' | 'at' | 'state'> & { seq: number }): string;
  /** The target is back: the entry is done with. */
  close(id: string): void;
  /** Entries still open. */
  openEntries(): LedgerEntry[];
  /** Removes the file when nothing is left open; keeps it (for recover) otherwise. */
  finish(): void;
}

export function createLedger(env: NodeJS.ProcessEnv = process.env): Ledger {
  const dir = ledgerDir(env);
  const owner = thisProcessIdentity();
  const startedAt = new Date().toISOString();
  const path = join(dir, `run-${owner.pid}-${owner.startTime}-${Date.now()}.json`);
  const entries: LedgerEntry[] = [];
  let written = false;
  let count = 0;

  function save(): void {
    if (!written) mkdirSync(dir, { recursive: true, mode: 0o700 });
    written = true;
    writeAtomically(path, { version: ledgerVersion, owner, startedAt, entries });
  }

  return {
    path,
    open: ({ seq, ...entry }) => {
      count++;
      const id = `${seq}.${count}`;
      entries.push({ id, ...entry, at: new Date().toISOString(), state: 'open' });
      save();
      return id;
    },
    close: (id) => {
      const entry = entries.find((e) => e.id === id);
      if (entry === undefined || entry.state === 'undone') return;
      entry.state = 'undone';
      save();
    },
    openEntries: () => entries.filter((entry) => entry.state === 'open'),
    finish: () => {
      if (!written) return;
      if (entries.every((entry) => entry.state === 'undone')) rmSync(path, { force: true });
    },
  };
}

/** A ledger file another run left, with where it is. */
export interface FoundLedger {
  path: string;
  file: LedgerFile;
  /** Its run still lives (it will restore its own targets): recover leaves it alone. */
  ownerAlive: boolean;
}

function isLedgerFile(value: unknown): value is LedgerFile {
  const file = value as Partial<LedgerFile> | null;
  return file !== null && file?.version === ledgerVersion && Array.isArray(file.entries) && !!file.owner;
}

/** Every ledger file in the directory; unreadable or foreign files are returned as problems. */
export function findLedgers(env: NodeJS.ProcessEnv = process.env): {
  found: FoundLedger[];
  problems: string[];
} {
  const dir = ledgerDir(env);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { found: [], problems: [] };
  }
  const found: FoundLedger[] = [];
  const problems: string[] = [];
  for (const name of names.filter((n) => /^run-.*\.json$/.test(n)).sort()) {
    const path = join(dir, name);
    try {
      const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (!isLedgerFile(value)) {
        problems.push(`${path}: not a chaos ledger of version ${ledgerVersion}`);
        continue;
      }
      found.push({ path, file: value, ownerAlive: isAlive(value.owner) });
    } catch (error) {
      problems.push(`${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { found, problems };
}

/** Writes back what recover left open, or removes the file when nothing is. */
export function saveFoundLedger(found: FoundLedger): void {
  if (found.file.entries.every((entry) => entry.state === 'undone')) rmSync(found.path, { force: true });
  else writeAtomically(found.path, found.file);
}
