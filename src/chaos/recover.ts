import type { ChaosDriver, RestoreResult } from './driver.js';
import { driverFactory } from './drivers.js';
import { type FoundLedger, findLedgers, type LedgerEntry, saveFoundLedger } from './ledger.js';

export interface RecoverOptions {
  /** Only say what was left down and what would be done. */
  dryRun?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Makes a driver from a ledger entry (tests); default: the registry. */
  driverFor?: (entry: LedgerEntry) => ChaosDriver;
}

/** One open ledger entry and what recover made of it. */
export interface RecoverLine {
  ledger: string;
  entry: LedgerEntry;
  /** Undefined on a dry run. */
  result?: RestoreResult;
}

export interface RecoverReport {
  lines: RecoverLine[];
  /** Ledgers of runs still alive: left to them. */
  skipped: string[];
  problems: string[];
  /** Restores that failed; the entries stay open for the next recover. */
  failed: number;
}

const verbOf = {
  start: 'start',
  unpause: 'unpause',
  'scale-in': 'scale in',
  'scale-out': 'scale out one member in place of',
} as const;

/** One line per entry, as `recover` and the run's start print them. */
export function describeRecoverLine(line: RecoverLine): string {
  const { entry, result } = line;
  const what = `${entry.target.name} (${entry.driver}), left by ${entry.action} at ${entry.at}`;
  if (result === undefined) return `would ${verbOf[entry.undo]} ${what}`;
  switch (result.outcome) {
    case 'restored':
      return `restored ${what}: ${result.action}`;
    case 'already-fine':
      return `${what}: already fine (${result.state})`;
    case 'gone':
      return `${what}: gone (${result.reason}), nothing to restore`;
    case 'failed':
      return `could not restore ${what}: ${result.error}`;
  }
}

const scaleTimeoutMs = 60_000;

/** What one entry's undo comes to: the target restored, or its group scaled back to its size. */
async function undoEntry(driver: ChaosDriver, entry: LedgerEntry): Promise<RestoreResult> {
  if (entry.undo === 'start' || entry.undo === 'unpause') return driver.restore(entry.target);
  if (driver.scale === undefined) {
    return { outcome: 'failed', action: entry.undo, error: `the ${driver.name} driver cannot scale` };
  }
  const direction = entry.undo === 'scale-in' ? 'in' : 'out';
  await driver.scale({
    direction,
    ...(direction === 'in' ? { member: entry.target } : {}),
    ...(entry.scale === undefined ? {} : { commands: entry.scale }),
    timeoutMs: scaleTimeoutMs,
  });
  return { outcome: 'restored', action: entry.undo };
}

/**
 * Reads the ledgers of runs that are no longer alive and restores every target they left down (starts what
 * was stopped or killed, continues what was paused) and puts each group they scaled back to its size (scales
 * in what they added, scales out in place of what they removed), marking each entry undone; an undo that
 * fails stays open. With dryRun, only says.
 */
export async function recoverLedgers(options: RecoverOptions = {}): Promise<RecoverReport> {
  const env = options.env ?? process.env;
  const driverFor =
    options.driverFor ?? ((entry: LedgerEntry) => driverFactory(entry.driver).fromConfig(entry.config, env));
  const { found, problems } = findLedgers(env);
  const report: RecoverReport = { lines: [], skipped: [], problems, failed: 0 };
  for (const ledger of found) {
    if (ledger.ownerAlive) {
      report.skipped.push(`${ledger.path} (its run, pid ${ledger.file.owner.pid}, is still going)`);
      continue;
    }
    await recoverOne(ledger, options.dryRun ?? false, driverFor, report);
  }
  return report;
}

async function recoverOne(
  ledger: FoundLedger,
  dryRun: boolean,
  driverFor: (entry: LedgerEntry) => ChaosDriver,
  report: RecoverReport,
): Promise<void> {
  // One restore per target, however many entries name it (a stop, then a kill of the same one).
  const seen = new Map<string, RestoreResult | undefined>();
  for (const entry of ledger.file.entries) {
    if (entry.state !== 'open') continue;
    const key = `${entry.driver}\0${entry.target.id}`;
    if (seen.has(key)) {
      const earlier = seen.get(key);
      if (earlier !== undefined && earlier.outcome !== 'failed') entry.state = 'undone';
      continue;
    }
    if (dryRun) {
      seen.set(key, undefined);
      report.lines.push({ ledger: ledger.path, entry });
      continue;
    }
    let result: RestoreResult;
    let driver: ChaosDriver | undefined;
    try {
      driver = driverFor(entry);
      result = await undoEntry(driver, entry);
    } catch (error) {
      result = {
        outcome: 'failed',
        action: entry.undo,
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      await driver?.close();
    }
    seen.set(key, result);
    if (result.outcome === 'failed') report.failed++;
    else entry.state = 'undone';
    report.lines.push({ ledger: ledger.path, entry, result });
  }
  if (!dryRun) saveFoundLedger(ledger);
}
