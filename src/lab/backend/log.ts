import { closeSync, openSync, writeSync } from 'node:fs';

/** One line of a backend's log: what it was asked and what it knew when it answered (the ground truth). */
export interface GroundTruthLine {
  time: string;
  requestId: string | null;
  vuId: string | null;
  method: string;
  path: string;
  status: number;
  backend: string;
  /** Whether the credential sent was valid here; null when none was sent. */
  sessionFound: boolean | null;
  /** Whom the backend answered as, null when nobody. */
  user: string | null;
  faultInjected?: true;
}

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
