import { randomBytes } from 'node:crypto';

/**
 * Unique request ids for one run: `<run>-<vu>-<n>`, a random run prefix, the VU's id and a base-36 counter.
 * The VU rides in the id rather than in a header of its own: every header costs the balancer and the
 * backends work on every request, and the load a run adds should be no more than it needs.
 */
export class RequestIds {
  readonly prefix: string;
  #counter = 0;

  constructor(prefix = randomBytes(4).toString('hex')) {
    this.prefix = prefix;
  }

  next(vuId: number): string {
    this.#counter += 1;
    return `${this.prefix}-${vuId}-${this.#counter.toString(36)}`;
  }
}

/** The VU id a request id carries (as text, the way a server log holds it); null for any other id. */
export function vuOfRequestId(requestId: string | null | undefined): string | null {
  const match = /^[^-]+-(\d+)-[0-9a-z]+$/.exec(requestId ?? '');
  return match?.[1] ?? null;
}
