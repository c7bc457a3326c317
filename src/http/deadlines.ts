import { type Clock, systemClock } from '../util/clock.js';

/**
 * Something that can run out of time: told once, when its deadline (set by `add`) has passed. `earlier` and
 * `later` belong to the Deadlines it waits in: it is a link of their list, so waiting costs no allocation and
 * no hashing (a Set of the requests in flight cost a measurable share of each request).
 */
export interface Expiring {
  deadline: number;
  earlier?: Expiring | undefined;
  later?: Expiring | undefined;
  expire(): void;
}

/** The entries of one timeout, in the order they were added, which is the order of their deadlines. */
interface Chain {
  first: Expiring | undefined;
  last: Expiring | undefined;
}

/**
 * One timer for the deadlines of every request in flight, instead of a setTimeout (and an AbortController)
 * per request. Entries are chained by their timeout, so within a chain deadlines come in the order they
 * were added and a tick only looks at the entries that are due. A deadline fires within `resolutionMs`
 * after it passes; the timer runs only while something waits.
 */
export class Deadlines {
  readonly #clock: Clock;
  readonly #resolutionMs: number;
  readonly #chains = new Map<number, Chain>();
  #size = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(clock: Clock = systemClock, resolutionMs = 20) {
    this.#clock = clock;
    this.#resolutionMs = resolutionMs;
  }

  /** The clock the deadlines run on. */
  now(): number {
    return this.#clock.now();
  }

  add(item: Expiring, timeoutMs: number): void {
    let chain = this.#chains.get(timeoutMs);
    if (chain === undefined) {
      chain = { first: undefined, last: undefined };
      this.#chains.set(timeoutMs, chain);
    }
    item.deadline = this.#clock.now() + timeoutMs;
    item.earlier = chain.last;
    item.later = undefined;
    if (chain.last === undefined) chain.first = item;
    else chain.last.later = item;
    chain.last = item;
    this.#size += 1;
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.tick(), this.#resolutionMs);
      // Whatever is in flight keeps the process alive by its socket; the deadline timer never should.
      this.#timer.unref();
    }
  }

  delete(item: Expiring, timeoutMs: number): void {
    const chain = this.#chains.get(timeoutMs);
    // Only the first entry of a chain has no earlier one: anything else without one is not waiting.
    if (chain === undefined || (item.earlier === undefined && chain.first !== item)) return;
    this.#unlink(chain, item);
    if (this.#size === 0) this.#stop();
  }

  /** Expires every entry whose deadline has passed (the timer calls it; tests may too). */
  tick(): void {
    const now = this.#clock.now();
    const due: Expiring[] = [];
    for (const chain of this.#chains.values()) {
      for (let item = chain.first; item !== undefined && item.deadline <= now; item = chain.first) {
        this.#unlink(chain, item);
        due.push(item);
      }
    }
    if (this.#size === 0) this.#stop();
    for (const item of due) item.expire();
  }

  #unlink(chain: Chain, item: Expiring): void {
    if (item.earlier === undefined) chain.first = item.later;
    else item.earlier.later = item.later;
    if (item.later === undefined) chain.last = item.earlier;
    else item.later.earlier = item.earlier;
    item.earlier = undefined;
    item.later = undefined;
    this.#size -= 1;
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** The process's one deadline timer, shared by every exchange. */
export const deadlines = new Deadlines();
