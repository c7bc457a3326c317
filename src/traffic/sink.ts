import type { LoginRecord, ResponseRecord } from '../classify/record.js';
import type { Classification } from '../classify/types.js';

/**
 * Where the engine's records go (metrics, trace). The engine never counts. A sink may return a promise to
 * push back (a trace file whose buffer is full): the user that produced the record waits for it.
 */
export interface RecordSink {
  onLogin(record: LoginRecord): void | Promise<void>;
  onResponse(record: ResponseRecord, classification: Classification): void | Promise<void>;
}

/** Every sink hears every record; the user waits only when some sink pushes back. */
export function fanOut(sinks: readonly RecordSink[]): RecordSink {
  const [only] = sinks;
  if (sinks.length === 1 && only !== undefined) return only;
  const settle = (results: Array<void | Promise<void>>): void | Promise<void> => {
    const pending = results.filter((result): result is Promise<void> => result instanceof Promise);
    return pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined);
  };
  return {
    onLogin: (record) => settle(sinks.map((sink) => sink.onLogin(record))),
    onResponse: (record, classification) =>
      settle(sinks.map((sink) => sink.onResponse(record, classification))),
  };
}
