/** A seeded pseudo-random source: the same seed gives the same sequence, so a run can be repeated. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  int(bound: number): number;
}

/** The whole state of a stream, so that a holder (a virtual user) can carry it without a closure of its own. */
export interface RandomState {
  randomState: number;
}

/** mulberry32: tiny, fast and well distributed enough for picks and jitter (not for secrets). A float in [0, 1). */
export function nextRandom(holder: RandomState): number {
  holder.randomState = (holder.randomState + 0x6d2b79f5) >>> 0;
  let t = holder.randomState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

export function seededRandom(seed: number): Random {
  const holder: RandomState = { randomState: seed >>> 0 };
  const next = (): number => nextRandom(holder);
  return { next, int: (bound) => Math.floor(next() * bound) };
}

/**
 * A seed for one independent stream derived from a run seed and a stream number, so that adding a stream
 * (another chaos event, say) does not shift the numbers any other stream draws.
 */
export function deriveSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seeded Fisher-Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
