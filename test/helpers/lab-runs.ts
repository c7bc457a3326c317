import { afterEach, beforeAll } from 'vitest';
import { type Lab, type LabOptions, startLab } from '../../src/lab/index.js';
import { executeRun } from '../../src/run/run.js';
import { bundleBackend } from '../lab/helpers.js';
import { CollectingSink, planFor } from './engine-fixtures.js';

type Input = Parameters<typeof planFor>[1];

/**
 * Runs of the engine on a lab, for one test file: registers its hooks (the backend bundled from the source
 * under test; every lab a test starts stopped after it), so each test starts the lab it needs.
 */
export function labRuns(defaults: Partial<LabOptions>) {
  let lab: Lab | undefined;
  beforeAll(() => bundleBackend());
  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
  });
  const start = async (options: Partial<LabOptions>): Promise<Lab> => {
    // startLab validates the options: a balancer or sessions mode left out by both is named there.
    lab = await startLab({ ...defaults, ...options } as LabOptions);
    return lab;
  };
  const run = async (options: Partial<LabOptions>, input: (lab: Lab) => Input) => {
    const started = await start(options);
    const sink = new CollectingSink();
    const plan = planFor(started.url, input(started));
    plan.secrets = [started.password];
    const result = await executeRun(plan, { sinks: [sink] });
    return { lab: started, sink, result, journal: result.chaos?.journal };
  };
  return { start, run };
}
