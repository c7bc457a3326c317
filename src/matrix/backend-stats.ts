import type { LabFacts } from '../lab/index.js';
import type { BackendStats } from '../lab-contract/backend-records.js';

export type { BackendStats } from '../lab-contract/backend-records.js';

/**
 * Every lab backend's GET /stats after a run: the sessions it holds and the replication it did, the price of
 * the session design beside the mismatch figures. A backend that does not answer (stopped by chaos and not
 * back) is left out rather than failing the scenario.
 */
export async function readBackendStats(lab: Pick<LabFacts, 'backends'>): Promise<BackendStats[]> {
  const answers = await Promise.all(
    lab.backends.map(async (backend) => {
      try {
        const response = await fetch(`${backend.url}/stats`, { signal: AbortSignal.timeout(2000) });
        return response.ok ? ((await response.json()) as BackendStats) : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return answers.filter((stats): stats is BackendStats => stats !== undefined);
}
