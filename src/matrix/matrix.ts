import { ExitCode } from '../errors.js';
import { toolName } from '../report/result.js';
import { toolVersion } from '../version.js';
import { runScenario, type ScenarioOptions, type ScenarioOutcome } from './scenario.js';

export interface MatrixDocument {
  schemaVersion: 1;
  tool: { name: typeof toolName; version: string };
  startedAt: string;
  endedAt: string;
  /** What the labs were made of on this machine, in words. */
  platform: string;
  /** In the order they ran; each carries the full result document of its run. */
  scenarios: ScenarioOutcome[];
}

/**
 * Runs the profiles one after another (never in parallel: they would share the machine's two cores and
 * skew each other's latency). An interrupt stops the matrix after the scenario in progress drains.
 */
export async function runMatrix(
  paths: readonly string[],
  options: ScenarioOptions & { onScenario?: (outcome: ScenarioOutcome) => void },
): Promise<ScenarioOutcome[]> {
  const outcomes: ScenarioOutcome[] = [];
  for (const path of paths) {
    if (options.signal?.aborted) break;
    const outcome = await runScenario(path, options);
    outcomes.push(outcome);
    options.onScenario?.(outcome);
  }
  return outcomes;
}

/** The exit code of a matrix: the worst of its scenarios (a scenario that could not run is a fault). */
export function matrixExitCode(outcomes: readonly ScenarioOutcome[], interrupted: boolean): ExitCode {
  if (interrupted) return ExitCode.interrupted;
  if (outcomes.some((outcome) => outcome.error !== undefined)) return ExitCode.aborted;
  const codes = outcomes.map((outcome) => outcome.result?.verdict.exitCode ?? ExitCode.passed);
  if (codes.includes(ExitCode.aborted)) return ExitCode.aborted;
  if (codes.includes(ExitCode.thresholdsFailed)) return ExitCode.thresholdsFailed;
  return ExitCode.passed;
}

export function matrixDocument(
  outcomes: readonly ScenarioOutcome[],
  platform: string,
  startedAt: Date,
  endedAt: Date,
): MatrixDocument {
  return {
    schemaVersion: 1,
    tool: { name: toolName, version: toolVersion },
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    platform,
    scenarios: [...outcomes],
  };
}
