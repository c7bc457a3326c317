import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { FileUnreadableError } from '../errors.js';
import type { RecordSink } from './sink.js';

export interface TraceWriter extends RecordSink {
  close(): Promise<void>;
}

export interface TraceOptions {
  /** Told once when a write fails (disk full...): tracing stops there, the run goes on. */
  onFailure?: (message: string) => void;
}

/**
 * `--trace FILE`: one JSON line per login and per request, for debugging and for joining with server logs.
 * Memory stays bounded: when the file's buffer is full, the writing user waits for it to drain.
 */
export async function openTrace(path: string, options: TraceOptions = {}): Promise<TraceWriter> {
  const stream = createWriteStream(path, { flags: 'w' });
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new FileUnreadableError(
      path,
      `cannot write the trace: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  // A trace is a debugging aid: a write that fails (a full disk) ends the trace, not the run.
  let failure: Error | undefined;
  let stopped: () => void = () => undefined;
  const failed = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  stream.on('error', (error) => {
    if (failure !== undefined) return;
    failure = error;
    stopped();
    options.onFailure?.(
      `trace: writing ${path} failed (${(error as NodeJS.ErrnoException).code ?? error.message}); tracing stopped, the run goes on`,
    );
  });
  const write = (line: object): void | Promise<void> => {
    if (failure !== undefined) return;
    if (stream.write(`${JSON.stringify(line)}\n`)) return;
    // Waiting users are let go when the stream fails too, since it will never drain then.
    return Promise.race([
      once(stream, 'drain').then(
        () => undefined,
        () => undefined,
      ),
      failed,
    ]);
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
      if (failure !== undefined || stream.closed) return;
      stream.end();
      await Promise.race([once(stream, 'close').catch(() => undefined), failed]);
    },
  };
}
