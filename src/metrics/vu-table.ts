/**
 * Per-VU counters in typed arrays indexed by VU id: a few bytes per VU and per backend, so 100,000 VUs over
 * a handful of backends cost a few megabytes. Grows by doubling as larger ids appear.
 */
export class VuTable {
  /** Largest VU id accepted; a guard against a bogus id allocating gigabytes. */
  static readonly maxVuId = 10_000_000;

  capacity: number;
  seen: Uint8Array;
  /** Response and error records per VU. */
  responses: Uint32Array;
  /** Logins after the first, per VU. */
  relogins: Uint32Array;
  /** Index of the backend of the VU's last response with a known backend; -1 before the first. */
  lastBackend: Int16Array;
  /** When the VU's current session began (its last successful login, run clock); NaN when none is open. */
  sessionStart: Float64Array;
  /** One column per known backend index: responses of each VU from that backend. */
  perBackend: Uint32Array[] = [];

  constructor(initialVus: number) {
    this.capacity = Math.max(16, initialVus);
    this.seen = new Uint8Array(this.capacity);
    this.responses = new Uint32Array(this.capacity);
    this.relogins = new Uint32Array(this.capacity);
    this.lastBackend = new Int16Array(this.capacity).fill(-1);
    this.sessionStart = new Float64Array(this.capacity).fill(Number.NaN);
  }

  /** Makes room for `vu` and marks it seen. */
  touch(vu: number): void {
    if (!Number.isInteger(vu) || vu < 0 || vu > VuTable.maxVuId) {
      throw new RangeError(`vu: expected an integer from 0 to ${VuTable.maxVuId}, got ${vu}`);
    }
    if (vu >= this.capacity) this.grow(Math.max(vu + 1, this.capacity * 2));
    this.seen[vu] = 1;
  }

  /** Adds a column for a new backend index. */
  addBackend(): void {
    this.perBackend.push(new Uint32Array(this.capacity));
  }

  private grow(capacity: number): void {
    const widen = <T extends Uint8Array | Uint32Array | Int16Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.seen = widen(this.seen, (n) => new Uint8Array(n));
    this.responses = widen(this.responses, (n) => new Uint32Array(n));
    this.relogins = widen(this.relogins, (n) => new Uint32Array(n));
    const lastBackend = new Int16Array(capacity).fill(-1);
    lastBackend.set(this.lastBackend);
    this.lastBackend = lastBackend;
    const sessionStart = new Float64Array(capacity).fill(Number.NaN);
    sessionStart.set(this.sessionStart);
    this.sessionStart = sessionStart;
    this.perBackend = this.perBackend.map((column) => widen(column, (n) => new Uint32Array(n)));
    this.capacity = capacity;
  }
}
