/**
 * What chaos does to a target and what that came to. Docker's vocabulary, which every chaos driver speaks (a
 * process driver maps a pause to SIGSTOP): the Docker client (src/docker/) and the driver contract
 * (src/chaos/driver.ts) both take it from here.
 */

const targetActions = ['restart', 'stop', 'start', 'kill', 'pause', 'unpause'] as const;
export type TargetAction = (typeof targetActions)[number];

/**
 * What an action came to. Answers that mean "already so" are outcomes, not failures: the target was already
 * where the action would have put it, or in a state where the action means nothing (`conflict`).
 */
export type ActionOutcome =
  | 'done'
  | 'already-running'
  | 'already-stopped'
  | 'already-paused'
  | 'not-paused'
  | 'not-running'
  | 'conflict';
