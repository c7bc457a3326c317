import { Command } from 'commander';
import { ledgerDir } from '../../chaos/ledger.js';
import { describeRecoverLine, recoverLedgers } from '../../chaos/recover.js';
import { ExitCode } from '../../errors.js';
import type { Outcome } from '../outcome.js';

/** `session-chaos recover [--dry-run]`: brings back what runs that died left stopped or paused. */
export function recoverCommand(outcome: Outcome): Command {
  return new Command('recover')
    .summary(
      'restore what chaos of a run that died (SIGKILL, OOM, a lost CI runner) left stopped, killed or paused, from the chaos ledger; exit 4 when a restore failed',
    )
    .description(
      'Restore what chaos of a run that died (SIGKILL, OOM, a lost CI runner) left stopped, killed or paused, from the chaos ledger.',
    )
    .option('--dry-run', 'only say what was left down and what would be done')
    .addHelpText(
      'after',
      `\nThe ledger is ${ledgerDir()} (SESSION_CHAOS_STATE_DIR or XDG_STATE_HOME move it).\nExit 0 when nothing is left down, 4 when a restore failed.\n\nExamples:\n  $ session-chaos recover --dry-run\n  $ session-chaos recover`,
    )
    .action(async (flags: { dryRun?: true }) => {
      const report = await recoverLedgers({ dryRun: flags.dryRun === true });
      const write = (line: string): void => {
        process.stdout.write(`${line}\n`);
      };
      for (const problem of report.problems) process.stderr.write(`session-chaos: ${problem}\n`);
      for (const skipped of report.skipped) write(`left to its run: ${skipped}`);
      for (const line of report.lines) write(describeRecoverLine(line));
      if (report.lines.length === 0) write(`nothing left down (ledger: ${ledgerDir()})`);
      if (report.failed > 0) {
        process.stderr.write(
          `session-chaos: ${report.failed} target(s) could not be restored; their entries stay in the ledger\n`,
        );
        outcome.exitCode = ExitCode.aborted;
      }
    });
}
