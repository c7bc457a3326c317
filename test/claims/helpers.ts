import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { parse, stringify } from 'yaml';
import { balancerKinds } from '../../src/lab/balancer/registry.js';
import type { LabPlatform } from '../../src/matrix/lab-binding.js';
import { runScenario, type ScenarioOutcome } from '../../src/matrix/scenario.js';
import type { Summary } from '../../src/metrics/summary.js';
import type { RunResult } from '../../src/report/result.js';
import { CollectingSink } from '../helpers/engine-fixtures.js';

/** What the claims run on: the real balancers and Redis, backends as processes unless chaos needs Docker. */
export function platform(runtime: LabPlatform['runtime']): LabPlatform {
  return { runtime, balancers: new Set(balancerKinds), redis: true, sentinel: true };
}

type Patch = { [key: string]: unknown };

function merge(base: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return patch;
  const merged: Patch = { ...(base as Patch) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete merged[key];
    else merged[key] = merge(merged[key], value);
  }
  return merged;
}

// Variants are written in beforeAll hooks too, where a test's own directory cannot be made: each test file
// that imports this module gets one directory for its run, removed when the file's tests end.
const dir = mkdtempSync(join(tmpdir(), 'session-chaos-claims-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let written = 0;

/**
 * A shipped strategy profile with some fields changed (objects merged, arrays replaced, undefined removes),
 * written to a temporary file: the claims are measured on the profiles users get, varied only where a claim
 * needs it.
 */
export function variant(profile: string, patch: Patch = {}): string {
  const raw = parse(readFileSync(new URL(`../../profiles/${profile}`, import.meta.url), 'utf8')) as unknown;
  const path = join(dir, `${written++}-${profile}`);
  writeFileSync(path, stringify(merge(raw, patch)));
  return path;
}

export interface Measured {
  outcome: ScenarioOutcome;
  result: RunResult;
  summary: Summary;
  records: CollectingSink;
}

/** Runs a profile as the matrix does (its lab started and removed), keeping every record. */
export async function measure(path: string, runtime: LabPlatform['runtime']): Promise<Measured> {
  const records = new CollectingSink();
  const outcome = await runScenario(path, { platform: platform(runtime), sinks: [records] });
  if (outcome.result === undefined) {
    throw new Error(`the scenario did not run: ${outcome.skipped ?? outcome.error ?? 'no result'}`);
  }
  return { outcome, result: outcome.result, summary: outcome.result.summary, records };
}
