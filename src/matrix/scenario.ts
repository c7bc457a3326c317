import { basename } from 'node:path';
import { describeFatal } from '../errors.js';
import type { BalancerKind } from '../lab/balancer/registry.js';
import { type LabFacts, startLab } from '../lab/index.js';
import { loadPlan, type Plan } from '../profile/load.js';
import type { OverrideValues } from '../profile/overrides.js';
import type { RunResult as ResultDocument } from '../report/result.js';
import { runPipeline } from '../run/pipeline.js';
import type { RecordSink } from '../traffic/sink.js';
import { redact } from '../util/redact.js';
import { type BackendStats, readBackendStats } from './backend-stats.js';
import { bindPlanToLab, chooseLab, type LabPlatform } from './lab-binding.js';

/** The lab a scenario ran on, as the matrix reports it. */
interface ScenarioLab {
  /** The lab's id: its containers carry the label session-chaos.lab=<id>. */
  id: string;
  balancer: string;
  sessions: string;
  backends: number;
  runtime: string;
  /** Each backend's GET /stats at the end of the run: sessions held, their bytes, replication traffic. */
  stats?: BackendStats[];
}

/** One scenario of a matrix: the profile, where it ran, and its result document (or why there is none). */
export interface ScenarioOutcome {
  source: string;
  /** The profile's name, else its file name. */
  strategy: string;
  description?: string;
  lab?: ScenarioLab;
  /** What the matrix changed or left out, in words (a stand-in balancer, chaos without Docker). */
  notes: string[];
  /** Set when the scenario did not run: the machine lacks what it needs. */
  skipped?: string;
  /** Set when the scenario failed to run (lab did not start, preflight failed). */
  error?: string;
  result?: ResultDocument;
}

export interface ScenarioOptions {
  /** Run against this URL instead of the profile's lab. */
  target?: string;
  /** Overrides applied to every profile (users, duration, seed...). */
  flags?: OverrideValues;
  platform: LabPlatform;
  standIns?: Partial<Record<BalancerKind, BalancerKind>>;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Further consumers of each run's records (tests check them against the claims). */
  sinks?: readonly RecordSink[];
}

function strategyOf(plan: Plan, path: string): string {
  return plan.profile.name ?? basename(path).replace(/\.(ya?ml|json)$/, '');
}

function labOf(lab: LabFacts): ScenarioLab {
  return {
    id: lab.id,
    balancer: lab.balancer.kind,
    sessions: lab.sessions,
    backends: lab.backends.length,
    runtime: lab.runtime,
  };
}

async function measure(plan: Plan, options: ScenarioOptions): Promise<ResultDocument> {
  const { document, fault } = await runPipeline(plan, {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.sinks === undefined ? {} : { sinks: options.sinks }),
  });
  // A fault is in the document (verdict aborted); the matrix also keeps it as the scenario's error.
  if (fault !== undefined) throw fault;
  return document;
}

/**
 * Runs one profile: on the lab its `lab:` section asks for (started here, stopped however the run ends), or
 * on `options.target`. A profile error propagates (the matrix is misconfigured); a lab or run failure is kept
 * in the outcome so that the other scenarios still run.
 */
export async function runScenario(path: string, options: ScenarioOptions): Promise<ScenarioOutcome> {
  const flags = { ...options.flags, ...(options.target === undefined ? {} : { target: options.target }) };
  const plan = await loadPlan(path, { flags });
  const outcome: ScenarioOutcome = {
    source: path,
    strategy: strategyOf(plan, path),
    ...(plan.profile.description === undefined ? {} : { description: plan.profile.description }),
    notes: [],
  };
  const hint = plan.profile.lab;
  if (options.target !== undefined || hint === undefined) {
    try {
      outcome.result = await measure(plan, options);
    } catch (error) {
      outcome.error = redact(describeFatal(error).text, plan.secrets);
    }
    return outcome;
  }

  const choice = chooseLab(hint, plan, options.platform, options.standIns);
  if (choice.kind === 'skip') {
    outcome.skipped = choice.reason;
    return outcome;
  }
  outcome.notes.push(...choice.notes);
  let lab: Awaited<ReturnType<typeof startLab>> | undefined;
  try {
    options.log?.(
      `${outcome.strategy}: starting the lab (${choice.options.balancer}, ${choice.options.sessions})`,
    );
    lab = await startLab(choice.options);
    outcome.lab = labOf(lab);
    options.log?.(`${outcome.strategy}: lab ${lab.id} up (${lab.runtime}), balancer at ${lab.url}`);
    const bound = bindPlanToLab(plan, lab);
    outcome.notes.push(...bound.notes);
    outcome.result = await measure(bound.plan, options);
    outcome.lab.stats = await readBackendStats(lab);
  } catch (error) {
    outcome.error = redact(describeFatal(error).text, plan.secrets);
  } finally {
    await lab?.stop();
  }
  return outcome;
}
