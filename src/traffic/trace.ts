import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { FileUnreadableError } from '../errors.js';
import type { RecordSink } from './sink.js';

export interface TraceWriter extends RecordSink {
  close(): Promise<void>;
}

/**
 * `--trace FILE`: one JSON line per login and per request, for debugging and for joining with server logs.
 * Memory stays bounded: when the file's buffer is full, the writing user waits for it to drain.
 */
export async function openTrace(path: string): Promise<TraceWriter> {
  const stream = createWriteStream(path, { flags: 'w' });
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new FileUnreadableError(
      path,
      `cannot write the trace: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  const write = (line: object): void | Promise<void> => {
    if (failure !== undefined) return;
    if (!stream.write(`${JSON.stringify(line)}\n`)) return once(stream, 'drain').then(() => undefined);
  };
  return {
    onLogin: (record) => write({ type: 'login', ...record }),
    onResponse: (record, classification) =>
      write({
        type: 'response',
        vu: record.vu,
        user: record.user,
        requestId: record.requestId,
        request: record.request,
        intendedStart: record.intendedStart,
        start: record.start,
        end: record.end,
        status: record.status,
        errorCode: record.errorCode,
        class: classification?.class,
        reason: classification?.reason,
        backend: classification?.backend,
        bodyBytes: record.bodyBytes,
        bodyTruncated: record.bodyTruncated || undefined,
      }),
    close: async () => {
      stream.end();
      if (failure === undefined && !stream.closed) await once(stream, 'close').catch(() => undefined);
      if (failure !== undefined)
        throw new FileUnreadableError(path, `trace write failed: ${failure.message}`);
    },
  };
}
