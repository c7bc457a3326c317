import type { ResponseClass } from '../classify/types.js';
import type { PinMap } from './summary.js';

/** Rows and columns of the pin map: 200 VUs by 600 columns stays a few hundred kB in the JSON and the page. */
const pinMapLimits = { rows: 200, columns: 600 } as const;

/** A cell's low byte: 0 no response in that second, 1..254 the backend's index + 1, 255 unknown backend. */
export const pinCell = {
  none: 0,
  unknownBackend: 255,
  backendMask: 0xff,
  mismatch: 0x100,
  relogin: 0x200,
  error: 0x400,
} as const;

const secondOf = (ms: number): number => Math.max(0, Math.floor(ms / 1000));

/**
 * Per-VU, per-second state for the pin map, for a bounded sample of VUs (every `stride`-th id when the run has
 * more than the row limit): the backend of the VU's last response in each second, and marks for a mismatch,
 * an error and a re-login in it. Memory: two bytes per row and second.
 */
export class PinTracker {
  private readonly stride: number;
  private readonly rows = new Map<number, Uint16Array>();
  private readonly rowLimit: number;
  private lastSecond = -1;

  constructor(
    private readonly vus: number,
    limits: { rows: number } = pinMapLimits,
  ) {
    this.rowLimit = limits.rows;
    this.stride = Math.max(1, Math.ceil(vus / limits.rows));
  }

  response(vu: number, end: number, backend: number | undefined, responseClass: ResponseClass): void {
    const row = this.row(vu, end);
    if (row === undefined) return;
    const second = secondOf(end);
    const code = backend === undefined || backend >= 254 ? pinCell.unknownBackend : backend + 1;
    const flags = row[second] ?? 0;
    const mark =
      responseClass === 'mismatch' || responseClass === 'wrong_user'
        ? pinCell.mismatch
        : responseClass === 'error'
          ? pinCell.error
          : 0;
    row[second] = (flags & ~pinCell.backendMask) | mark | code;
  }

  relogin(vu: number, end: number): void {
    const row = this.row(vu, end);
    if (row === undefined) return;
    const second = secondOf(end);
    row[second] = (row[second] ?? 0) | pinCell.relogin;
  }

  /** The map, with columns merged (last backend, marks kept) when the run was longer than the column limit. */
  pinMap(backends: readonly string[], columnLimit: number = pinMapLimits.columns): PinMap {
    const ids = [...this.rows.keys()].sort((a, b) => a - b);
    const seconds = this.lastSecond + 1;
    const perColumn = Math.max(1, Math.ceil(seconds / columnLimit));
    const columns = Math.ceil(seconds / perColumn);
    const cells = ids.map((id) => {
      const row = this.rows.get(id) ?? new Uint16Array(0);
      return Array.from({ length: columns }, (_, column) => {
        let flags = 0;
        let code: number = pinCell.none;
        for (let second = column * perColumn; second < (column + 1) * perColumn; second++) {
          const value = row[second] ?? 0;
          flags |= value & ~pinCell.backendMask;
          if ((value & pinCell.backendMask) !== pinCell.none) code = value & pinCell.backendMask;
        }
        return flags | code;
      });
    });
    return {
      vus: ids,
      ofVus: this.vus,
      stride: this.stride,
      from: 0,
      columnMs: perColumn * 1000,
      backends: backends.slice(0, 254),
      cells,
    };
  }

  private row(vu: number, end: number): Uint16Array | undefined {
    if (vu % this.stride !== 0) return undefined;
    let row = this.rows.get(vu);
    if (row === undefined) {
      if (this.rows.size >= this.rowLimit) return undefined;
      row = new Uint16Array(64);
      this.rows.set(vu, row);
    }
    const second = secondOf(end);
    this.lastSecond = Math.max(this.lastSecond, second);
    if (second >= row.length) {
      const grown = new Uint16Array(Math.max(second + 1, row.length * 2));
      grown.set(row);
      this.rows.set(vu, grown);
      row = grown;
    }
    return row;
  }
}
