import type { Lab, LabOptions } from '../../src/lab/index.js';
import { executeRun } from '../../src/run/run.js';
import { type LabOptionsOver, labPerTest } from '../lab/helpers.js';
import { CollectingSink, planFor } from './engine-fixtures.js';

type Input = Parameters<typeof planFor>[1];

/**
 * Runs of the engine on a lab, for one test file: registers its hooks (the backend bundled from the source
 * under test; every lab a test starts stopped after it), so each test starts the lab it needs.
 */
export function labRuns<D extends Partial<LabOptions>>(defaults: D) {
  const start = labPerTest(defaults);
  const run = async (options: LabOptionsOver<D>, input: (lab: Lab) => Input) => {
    const started = await start(options);
    const sink = new CollectingSink();
    const plan = planFor(started.url, input(started));
    plan.secrets = [started.password];
    const result = await executeRun(plan, { sinks: [sink] });
    return { lab: started, sink, result, journal: result.chaos?.journal };
  };
  return { start, run };
}
