import type { TrafficRequest } from '../profile/schema/traffic.js';
import { type Endpoint, resolveEndpoint } from './send.js';

interface MixEntry extends TrafficRequest {
  /** The name records carry: the entry's name, or `METHOD path`. */
  label: string;
  endpoint: Endpoint;
}

export interface Mix {
  /** The entry for a draw in [0, 1). */
  pick(draw: number): MixEntry;
}

/** Requests drawn by weight; the cumulative table is built once and searched per draw. */
export function compileMix(requests: readonly TrafficRequest[], baseUrl: string): Mix {
  const entries = requests.map((request) => ({
    ...request,
    label: request.name ?? `${request.method} ${request.path}`,
    endpoint: resolveEndpoint(request.path, baseUrl),
  }));
  const cumulative: number[] = [];
  let total = 0;
  for (const entry of entries) {
    total += entry.weight;
    cumulative.push(total);
  }
  const last = entries.at(-1);
  if (last === undefined) throw new Error('compileMix: the mix is empty');
  return {
    pick(draw) {
      const target = draw * total;
      let low = 0;
      let high = cumulative.length - 1;
      while (low < high) {
        const middle = (low + high) >> 1;
        if ((cumulative[middle] as number) > target) high = middle;
        else low = middle + 1;
      }
      return entries[low] ?? last;
    },
  };
}
