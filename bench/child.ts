/**
 * The protocol between the bench and a load generator it runs as a child process: JSON lines on stdout.
 * `start` is written the moment the load begins, so that the parent reads the child's CPU counters then;
 * `result` when it ends. After the result the child stays alive until its stdin closes, so the parent can
 * read the counters once more before the process goes away.
 */
export type ChildMessage =
  | { type: 'start' }
  | { type: 'count'; requests: number }
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string };

/** A generator the parent runs in turns with another (the alternating section), paused with SIGSTOP between. */
export interface PausableLoad {
  /**
   * Report the requests made so far on every SIGCONT, and end the load when the parent writes `stop` on
   * stdin. The duration stays as a backstop, so a child whose parent died still stops by itself.
   */
  pausable?: boolean;
}

export function announce(message: ChildMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/**
 * For a pausable load: on each SIGCONT, says how many requests were made so far (the count when the parent
 * paused us, give or take the answers that were already on their way); `stop` on stdin calls `onStop`.
 */
export function obeyParent(requests: () => number, onStop: () => void): void {
  process.on('SIGCONT', () => announce({ type: 'count', requests: requests() }));
  process.stdin.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('stop')) onStop();
  });
}

/** Resolves when the parent closes our stdin: it has read what it needed. */
function released(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.on('data', () => undefined);
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
}

/** Parses the child's one JSON argument, runs it, and reports any failure as an `error` message. */
export async function runChild<T>(main: (options: T) => Promise<unknown>): Promise<void> {
  try {
    const options = JSON.parse(process.argv[2] ?? '{}') as T;
    const result = await main(options);
    announce({ type: 'result', result });
  } catch (error) {
    announce({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  await released();
  process.exit(0);
}
