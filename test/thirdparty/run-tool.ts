import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from '../../src/metrics/summary.js';
import { runCli } from '../cli/run-cli.js';
import type { Deployment } from './deployment.js';
import { judge, readTrace, type Verdicts } from './truth.js';

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The result document of `--json`, as far as this suite reads it. */
  result: { summary: Summary; verdict: { status: string; exitCode: number } } & Record<string, unknown>;
  verdicts: Verdicts;
}

let runs = 0;

/**
 * `session-chaos run` as a user types it, on a profile written as the user would (YAML, the password read
 * from the environment), with `--json` and `--trace`; then the trace joined with the apps' logs.
 */
export async function runTool(
  deployment: Deployment,
  profileYaml: string,
  password: string,
): Promise<ToolRun> {
  runs++;
  const profile = join(deployment.dir, `profile-${runs}.yaml`);
  const json = join(deployment.dir, `result-${runs}.json`);
  const trace = join(deployment.dir, `trace-${runs}.jsonl`);
  writeFileSync(profile, profileYaml.replaceAll('{target}', deployment.url));
  const { code, stdout, stderr } = await runCli(
    ['run', '--profile', profile, '--json', json, '--trace', trace, '--quiet'],
    { TP_PASSWORD: password, NO_COLOR: '1' },
  );
  let result: ToolRun['result'];
  try {
    result = JSON.parse(readFileSync(json, 'utf8'));
  } catch {
    throw new Error(`the run wrote no result (exit ${code}):\n${stdout}\n${stderr}`);
  }
  return { code, stdout, stderr, result, verdicts: judge(readTrace(trace), deployment.readTruth()) };
}
