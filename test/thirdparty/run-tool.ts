import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlsReport } from '../../src/controls/report.js';
import type { Finding } from '../../src/findings/types.js';
import type { Summary } from '../../src/metrics/summary.js';
import { type CliResult, runCli } from '../cli/run-cli.js';
import type { Deployment } from './deployment.js';
import { judge, readTrace, type Verdicts } from './truth.js';

export interface ToolRun extends CliResult {
  /** The result document of `--json`, as far as this suite reads it. */
  result: {
    summary: Summary;
    controls?: ControlsReport;
    findings: Finding[];
    verdict: { status: string; exitCode: number };
  };
  verdicts: Verdicts;
}

let runs = 0;

/**
 * `session-chaos run` as a user types it, on a profile written as the user would (YAML, the password read
 * from the environment), with `--json` and `--trace`.
 */
export async function runCliOn(
  deployment: Deployment,
  profileYaml: string,
  password: string,
): Promise<CliResult & { json: string; trace: string }> {
  runs++;
  const profile = join(deployment.dir, `profile-${runs}.yaml`);
  const json = join(deployment.dir, `result-${runs}.json`);
  const trace = join(deployment.dir, `trace-${runs}.jsonl`);
  writeFileSync(profile, profileYaml.replaceAll('{target}', deployment.url));
  const cli = await runCli(['run', '--profile', profile, '--json', json, '--trace', trace, '--quiet'], {
    TP_PASSWORD: password,
    NO_COLOR: '1',
  });
  return { ...cli, json, trace };
}

/** A run that measured: its result, and its trace joined with the apps' logs. */
export async function runTool(
  deployment: Deployment,
  profileYaml: string,
  password: string,
): Promise<ToolRun> {
  const { json, trace, ...cli } = await runCliOn(deployment, profileYaml, password);
  let result: ToolRun['result'];
  try {
    result = JSON.parse(readFileSync(json, 'utf8'));
  } catch {
    throw new Error(`the run wrote no result (exit ${cli.code}):\n${cli.stdout}\n${cli.stderr}`);
  }
  return { ...cli, result, verdicts: judge(readTrace(trace), await deployment.truth()) };
}
