import type { Transform } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';

/** What a rule reads of a body: its bytes once its Content-Encoding is undone, at most `limit` of them. */
export interface DecodedBody {
  bytes: Buffer;
  /** More than `limit` bytes decoded, or the bytes kept were cut short before decoding. */
  truncated: boolean;
}

type Coding = 'gzip' | 'deflate' | 'br';

const codings: Readonly<Record<string, Coding>> = {
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  br: 'br',
};

/**
 * The codings of a Content-Encoding value, in the order they were applied; undefined when there is nothing
 * to undo (no header, `identity`) or a coding this client cannot undo (the body is then read as it came).
 */
export function contentCodings(header: string | string[] | undefined): Coding[] | undefined {
  if (header === undefined) return undefined;
  const names = (Array.isArray(header) ? header.join(',') : header).toLowerCase().split(',');
  const applied: Coding[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (name === '' || name === 'identity') continue;
    const coding = codings[name];
    if (coding === undefined) return undefined;
    applied.push(coding);
  }
  return applied.length === 0 ? undefined : applied;
}

// A body cut short (kept only up to the cap) still gives what it holds, instead of failing at its end.
const lenient = { finishFlush: constants.Z_SYNC_FLUSH };

function decoderOf(coding: Coding, first: number | undefined): Transform {
  if (coding === 'gzip') return createGunzip(lenient);
  if (coding === 'br') return createBrotliDecompress({ finishFlush: constants.BROTLI_OPERATION_FLUSH });
  // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate (undici tells them apart so too).
  return first !== undefined && (first & 0x0f) === 0x08 ? createInflate(lenient) : createInflateRaw(lenient);
}

/** Undoes one coding, stopping (and saying so) once `limit` bytes came out: a small body may inflate to gigabytes. */
function undo(input: Buffer, coding: Coding, limit: number): Promise<DecodedBody> {
  return new Promise((resolve) => {
    const decoder = decoderOf(coding, input[0]);
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (truncated: boolean): void => {
      if (done) return;
      done = true;
      const bytes = Buffer.concat(parts, Math.min(size, limit));
      resolve({ bytes, truncated });
      decoder.destroy();
    };
    decoder.on('data', (part: Buffer) => {
      parts.push(part);
      size += part.length;
      if (size > limit) finish(true);
    });
    decoder.on('end', () => finish(false));
    // A corrupt body gives what could be read of it before the damage.
    decoder.on('error', () => finish(false));
    decoder.end(input);
  });
}

/** Undoes `codings` (last applied, first undone) on the kept bytes of a body. */
export async function decodeBody(
  kept: Buffer,
  keptWhole: boolean,
  applied: readonly Coding[],
  limit: number,
): Promise<DecodedBody> {
  let body: DecodedBody = { bytes: kept, truncated: !keptWhole };
  for (let at = applied.length - 1; at >= 0; at--) {
    const decoded = await undo(body.bytes, applied[at] as Coding, limit);
    body = { bytes: decoded.bytes, truncated: body.truncated || decoded.truncated };
  }
  return body;
}
