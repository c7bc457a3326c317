import { randomBytes } from 'node:crypto';

/** Unique request ids for one run: a random run prefix and a counter, cheap to make and to join on. */
export class RequestIds {
  readonly prefix: string;
  #counter = 0;

  constructor(prefix = randomBytes(4).toString('hex')) {
    this.prefix = prefix;
  }

  next(): string {
    this.#counter += 1;
    return `${this.prefix}-${this.#counter.toString(36)}`;
  }
}
