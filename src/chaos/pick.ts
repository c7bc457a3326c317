import { type Random, shuffled } from '../util/random.js';

/** How an event chooses among the containers its selector matches. */
export type Pick =
  | { kind: 'one' }
  | { kind: 'random'; count: number }
  | { kind: 'all' }
  | { kind: 'rolling' };

/** Parses the profile's `pick` (already checked by the schema: one, all, rolling, "random N"). */
export function parsePick(text: string): Pick {
  const random = /^random (\d+)$/.exec(text);
  if (random) return { kind: 'random', count: Number(random[1]) };
  if (text === 'all' || text === 'rolling' || text === 'one') return { kind: text };
  throw new Error(`unparsed pick "${text}" passed the schema`);
}

/** How many containers a pick needs at least, so preflight can refuse a selector that matches fewer. */
export function pickNeeds(pick: Pick): number {
  return pick.kind === 'random' ? pick.count : 1;
}

/**
 * The containers one occurrence acts on. one and random N draw from the seeded source (so a seed repeats a
 * run's picks); all and rolling take every candidate in name order, the order rolling goes in.
 */
export function pickTargets<T extends { name: string }>(
  pick: Pick,
  candidates: readonly T[],
  random: Random,
): T[] {
  const byName = [...candidates].sort((a, b) => a.name.localeCompare(b.name));
  switch (pick.kind) {
    case 'all':
    case 'rolling':
      return byName;
    case 'one':
      return shuffled(byName, random).slice(0, 1);
    case 'random':
      return shuffled(byName, random)
        .slice(0, pick.count)
        .sort((a, b) => a.name.localeCompare(b.name));
  }
}
