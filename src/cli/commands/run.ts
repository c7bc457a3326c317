import { Command, Option } from 'commander';
import { chaosDryRun } from '../../chaos/dry-run.js';
import { applyChaosFlags } from '../../chaos/flags.js';
import { describeFatal, ExitCode } from '../../errors.js';
import { loadPlan } from '../../profile/load.js';
import { type OverrideValues, overrides } from '../../profile/overrides.js';
import { LiveRun } from '../../report/live.js';
import { createProgress, systemTimer } from '../../report/progress.js';
import type { EarlyEnd } from '../../report/result.js';
import { reportRun } from '../../report/run-report.js';
import { formatRawCounts, RawCounts } from '../../run/raw-counts.js';
import { engineFacts, formatRunSummary, partialEngineFacts } from '../../run/report.js';
import { executeRun, type PartialRun } from '../../run/run.js';
import { resolveThresholds } from '../../thresholds/resolve.js';
import { systemClock } from '../../util/clock.js';
import { redact } from '../../util/redact.js';
import type { Outcome } from '../outcome.js';
import { addReportOptions, type ReportFlags, thresholdSettings } from '../report-options.js';

interface RunOptions extends OverrideValues, ReportFlags {
  profile: string;
  dryRun?: boolean;
  chaos?: string[] | false;
  allowNonLoopback?: boolean;
}

export function runCommand(outcome: Outcome): Command {
  const command = new Command('run')
    .description('Log in the virtual users, send traffic through the balancer, apply chaos, and report.')
    .requiredOption('-p, --profile <file>', 'the profile (YAML or JSON)')
    .option('--dry-run', 'print the resolved plan and act on nothing')
    .option(
      '--chaos <event>',
      "a chaos event as a YAML flow mapping, e.g. '{action: restart, at: 10s, target: {label: role=backend}}'; repeatable; replaces chaos.events",
      (value: string, previous: string[] | false | undefined) => [...(previous || []), value],
    )
    .option('--no-chaos', "drop the profile's chaos events")
    .option(
      '--allow-non-loopback',
      'allow traffic.sourceAddresses outside 127.0.0.0/8 (the addresses must exist on this host)',
    );
  for (const override of overrides) {
    command.addOption(new Option(override.flag, `${override.description} [env: ${override.env}]`));
  }
  return addReportOptions(command)
    .addHelpText(
      'after',
      '\nPrecedence: defaults < profile < environment variables < flags.\n\nExample:\n  $ LAB_PASSWORD=secret session-chaos run --profile profiles/example.yaml --users 50 --duration 30s --json result.json',
    )
    .action(async (options: RunOptions) => {
      const {
        profile: path,
        dryRun,
        chaos,
        allowNonLoopback,
        failOn,
        defaultThresholds,
        quiet,
        ...flags
      } = options;
      const plan = applyChaosFlags(await loadPlan(path, { flags }), chaos);
      const thresholds = resolveThresholds(
        plan.profile.thresholds,
        thresholdSettings({ failOn, defaultThresholds }),
      );
      if (dryRun) {
        process.stdout.write(`${redact(JSON.stringify(plan.profile, null, 2), plan.secrets)}\n`);
        if (plan.profile.chaos.events.length > 0) {
          const chaosPlan = await chaosDryRun(plan);
          process.stdout.write(redact(chaosPlan.text, plan.secrets));
          if (chaosPlan.preflightError !== undefined) {
            const reason = chaosPlan.preflightError.message;
            process.stderr.write(`session-chaos: the run would fail preflight: ${reason}\n`);
            outcome.exitCode = ExitCode.preflightFailed;
          }
        }
        return;
      }
      const interrupt = new AbortController();
      let earlyEnd: EarlyEnd | undefined;
      const stop = (end: EarlyEnd): void => {
        earlyEnd ??= end;
        interrupt.abort();
      };
      const onSignal = (signal: NodeJS.Signals): void =>
        stop({ kind: 'interrupted', message: `interrupted by ${signal}` });
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const counts = new RawCounts();
      const { traffic } = plan.profile;
      const live = new LiveRun({
        clock: systemClock,
        timer: systemTimer,
        thresholds,
        users: traffic.users,
        ...(traffic.duration === undefined ? {} : { totalMs: traffic.duration }),
        ...(traffic.requests === undefined ? {} : { totalRequests: traffic.requests }),
        onThresholdFailed: (failure) =>
          stop({ kind: 'threshold', message: `${failure.expression} failed during the run (abortOnFail)` }),
      });
      const progress = createProgress({ stream: process.stderr, quiet, sample: () => live.snapshot() });
      const startedAt = new Date();
      const streams = { stdout: process.stdout, stderr: process.stderr, env: process.env };
      let partial: PartialRun | undefined;
      try {
        let result: Awaited<ReturnType<typeof executeRun>>;
        try {
          result = await executeRun(plan, {
            sinks: [counts, live],
            allowNonLoopback: allowNonLoopback ?? false,
            signal: interrupt.signal,
            log: progress.log,
            onChaosIssued: (record) =>
              live.chaosIssued(`${record.action} ${record.container?.name ?? record.label}`),
            onFailed: (seen) => {
              partial = seen;
            },
          });
        } catch (error) {
          // A fault (exit 4) still leaves a result, JUnit and Markdown for CI to show; the exit code stays the
          // error's. Preflight and profile errors (exit 3, 2) happen before there is a run to report.
          if (partial !== undefined && describeFatal(error).exitCode === ExitCode.aborted) {
            progress.stop();
            await reportRun(
              {
                plan,
                summary: partial.summary,
                engine: partialEngineFacts(partial),
                thresholds,
                ...(partial.chaos === undefined ? {} : { journal: partial.chaos.journal }),
                startedAt,
                endedAt: new Date(),
                earlyEnd: { kind: 'fault', message: error instanceof Error ? error.message : String(error) },
              },
              streams,
            ).catch((reportError: unknown) => {
              process.stderr.write(
                `session-chaos: could not write the aborted run's reports: ${String(reportError)}\n`,
              );
            });
          }
          throw error;
        }
        progress.stop();
        process.stderr.write(`${formatRunSummary(result)}\n${formatRawCounts(counts)}\n\n`);
        // A chaos action Docker refused means the run did not test what it planned: a fault (exit 4).
        const chaosFailure = result.chaos?.failure;
        if (chaosFailure !== undefined) earlyEnd ??= { kind: 'fault', message: `chaos: ${chaosFailure}` };
        const report = await reportRun(
          {
            plan,
            summary: result.summary,
            engine: engineFacts(result),
            thresholds,
            ...(result.chaos === undefined ? {} : { journal: result.chaos.journal }),
            startedAt,
            endedAt: new Date(),
            ...(earlyEnd === undefined ? {} : { earlyEnd }),
          },
          streams,
        );
        outcome.exitCode = report.verdict.exitCode;
      } finally {
        progress.stop();
        live.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
