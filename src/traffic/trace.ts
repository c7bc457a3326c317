import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { FileUnreadableError } from '../errors.js';
import type { RecordSink } from './sink.js';

export interface TraceWriter extends RecordSink {
  /** The traffic phase started at `atMs` on the trace's clock: the reports' origin, written as a line. */
  trafficStarted(atMs: number): void;
  close(): Promise<void>;
}

export interface TraceOptions {
  /** Told once when a write fails (disk full...): tracing stops there, the run goes on. */
  onFailure?: (message: string) => void;
}

/**
 * `--trace FILE`: one JSON line per login and per request, for debugging and for joining with server logs.
 * Memory stays bounded: when the file's buffer is full, the writing user waits for it to drain.
 *
 * Its times are the records' own, in ms from the run's start: lines are written as they happen, before the
 * traffic phase's start (the reports' origin) is known. So the trace names its clock in its first line,
 * `{"type":"clock","origin":"run_start"}`, and says where the reports' origin falls on it in a line
 * `{"type":"traffic_start","at":<ms>}` when the traffic phase starts (subtract it for the reports' times).
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
  void write({ type: 'clock', origin: 'run_start' });
  return {
    trafficStarted: (atMs) => void write({ type: 'traffic_start', at: atMs }),
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
