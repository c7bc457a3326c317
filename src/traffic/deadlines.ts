import { type Clock, systemClock } from '../util/clock.js';

/** Something that can run out of time: told once, when its deadline (set by `add`) has passed. */
export interface Expiring {
  deadline: number;
  expire(): void;
}

/**
 * One timer for the deadlines of every request in flight, instead of a setTimeout (and an AbortController)
 * per request. Entries are grouped by their timeout, so within a group deadlines come in the order they
 * were added and a tick only looks at the entries that are due. A deadline fires within `resolutionMs`
 * after it passes; the timer runs only while something waits.
 */
export class Deadlines {
  readonly #clock: Clock;
  readonly #resolutionMs: number;
  readonly #groups = new Map<number, Set<Expiring>>();
  #size = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(clock: Clock = systemClock, resolutionMs = 20) {
    this.#clock = clock;
    this.#resolutionMs = resolutionMs;
  }

  add(item: Expiring, timeoutMs: number): void {
    let group = this.#groups.get(timeoutMs);
    if (group === undefined) {
      group = new Set();
      this.#groups.set(timeoutMs, group);
    }
    item.deadline = this.#clock.now() + timeoutMs;
    group.add(item);
    this.#size += 1;
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.tick(), this.#resolutionMs);
      // Whatever is in flight keeps the process alive by its socket; the deadline timer never should.
      this.#timer.unref();
    }
  }

  delete(item: Expiring, timeoutMs: number): void {
    if (this.#groups.get(timeoutMs)?.delete(item)) {
      this.#size -= 1;
      if (this.#size === 0) this.#stop();
    }
  }

  /** Expires every entry whose deadline has passed (the timer calls it; tests may too). */
  tick(): void {
    const now = this.#clock.now();
    const due: Expiring[] = [];
    for (const group of this.#groups.values()) {
      for (const item of group) {
        if (item.deadline > now) break;
        group.delete(item);
        this.#size -= 1;
        due.push(item);
      }
    }
    if (this.#size === 0) this.#stop();
    for (const item of due) item.expire();
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** The process's one deadline timer, shared by every exchange. */
export const deadlines = new Deadlines();
