import { Command, Option } from 'commander';
import { chaosDryRun } from '../../chaos/dry-run.js';
import { applyChaosFlags } from '../../chaos/flags.js';
import { ExitCode } from '../../errors.js';
import type { MetricsAggregator } from '../../metrics/aggregator.js';
import { loadPlan } from '../../profile/load.js';
import { type OverrideValues, overrides } from '../../profile/overrides.js';
import { LiveRun } from '../../report/live.js';
import { createProgress } from '../../report/progress.js';
import { redactDocument } from '../../report/redact-document.js';
import { reportRun } from '../../report/run-report.js';
import { listenForInterrupts } from '../../run/interrupts.js';
import { runPipeline } from '../../run/pipeline.js';
import { formatRawCounts, formatRunSummary } from '../../run/report.js';
import { formatThresholdPlan, resolveThresholds } from '../../thresholds/resolve.js';
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
    .summary('log in the virtual users, send traffic, apply chaos, report')
    .description('Log in the virtual users, send traffic through the balancer, apply chaos, and report.')
    .requiredOption('-p, --profile <file>', 'the profile (YAML or JSON)')
    .option(
      '--dry-run',
      'print the resolved plan (every default filled in, secrets redacted) and the thresholds the run would be judged by; act on nothing',
    )
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
      const settings = thresholdSettings({ failOn, defaultThresholds });
      if (dryRun) {
        // Redacted value by value: a secret "a" must not turn the key "name" into "n[redacted]me".
        process.stdout.write(`${JSON.stringify(redactDocument(plan.profile, plan.secrets), null, 2)}\n`);
        // The defaults are the tool's own text; only what the profile or a flag wrote can hold a secret.
        const thresholdPlan = resolveThresholds(plan.profile.thresholds, settings).map((threshold) =>
          threshold.origin === 'default'
            ? threshold
            : { ...threshold, expression: redact(threshold.expression, plan.secrets) },
        );
        process.stdout.write(formatThresholdPlan(thresholdPlan));
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
      const interrupts = listenForInterrupts();
      const { traffic } = plan.profile;
      let metrics: MetricsAggregator | undefined;
      const live = new LiveRun({
        clock: systemClock,
        counts: () => metrics?.aggregates(),
        ...(traffic.duration === undefined ? {} : { totalMs: traffic.duration }),
        ...(traffic.requests === undefined ? {} : { totalRequests: traffic.requests }),
      });
      const progress = createProgress({ stream: process.stderr, quiet, sample: () => live.snapshot() });
      const streams = { stdout: process.stdout, stderr: process.stderr, env: process.env };
      try {
        const { document, run, fault } = await runPipeline(plan, {
          thresholds: settings,
          allowNonLoopback: allowNonLoopback ?? false,
          signal: interrupts.signal,
          hurry: interrupts.hurry,
          log: progress.log,
          onMetrics: (aggregator) => {
            metrics = aggregator;
          },
          onPhase: (phase) => live.phase(phase),
          onChaosIssued: (record) =>
            live.chaosIssued(`${record.action} ${record.target?.name ?? record.label}`),
        });
        progress.stop();
        if (run !== undefined) {
          process.stderr.write(`${formatRunSummary(run)}\n${formatRawCounts(document.summary)}\n\n`);
        }
        await reportRun(document, plan.profile.outputs, streams).catch((reportError: unknown) => {
          if (fault === undefined) throw reportError;
          process.stderr.write(
            `session-chaos: could not write the aborted run's reports: ${String(reportError)}\n`,
          );
        });
        // A fault keeps its own exit code and message; the reports above already say the run aborted.
        if (fault !== undefined) throw fault;
        outcome.exitCode = document.verdict.exitCode;
        // A second signal cut the cleanup short: whatever still waits (a Docker call) must not hold the exit.
        if (interrupts.hurry.aborted) outcome.exitAtOnce = true;
      } finally {
        progress.stop();
        interrupts.dispose();
      }
    });
}
