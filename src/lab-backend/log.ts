import { closeSync, openSync, writeSync } from 'node:fs';
import type { GroundTruthLine } from '../lab-contract/backend-records.js';

export interface GroundTruthLog {
  write(line: GroundTruthLine): void;
  close(): void;
}

/**
 * Appends synchronously, before the response is sent: once a client has its answer the line is on disk,
 * so a test can read the log right after its last request, and a kill loses nothing.
 */
export function openGroundTruthLog(path: string): GroundTruthLog {
  const fd = openSync(path, 'a');
  return {
    write: (line) => {
      writeSync(fd, `${JSON.stringify(line)}\n`);
    },
    close: () => closeSync(fd),
  };
}
