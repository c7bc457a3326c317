import type { Summary } from '../metrics/summary.js';

/** `critical`: users lose their sessions or the setup cannot work; `warning`: worth a look; `info`: context. */
export const findingSeverities = ['critical', 'warning', 'info'] as const;
type FindingSeverity = (typeof findingSeverities)[number];

/** A plain sentence about the run, with the numbers it rests on. */
export interface Finding {
  /** The rule that made it (stable: `not-sticky-not-shared`, `errors-during-chaos`, ...). */
  rule: string;
  severity: FindingSeverity;
  text: string;
  /** The evidence, by metric name (ratios as 0..1, times in ms). */
  evidence: Record<string, number>;
  /** What to change, line by line as a config would show it (shown under the sentence). */
  advice?: string[];
}

/** A chaos action as the findings name it: its id (as in `summary.impact`), what it did, to what. */
interface ChaosActionRef {
  id: string;
  action?: string;
  target?: string;
}

/** Everything a rule may read: the summary, and the few facts of the plan the numbers cannot carry. */
export interface FindingsInput {
  summary: Summary;
  /** `classify.backends`: the backends said to stand behind the balancer. */
  listedBackends: readonly string[];
  /** Whether `traffic.sourceAddresses` spreads the users over client addresses. */
  sourceAddressesSpread: boolean;
  /** The run's chaos actions, to name the action behind each impact. */
  chaosActions: readonly ChaosActionRef[];
}

/** One rule: pure, the summary in, at most a few findings out (none when the run gives it no cause). */
export interface FindingRule {
  id: string;
  /** The severity of every finding it makes. */
  severity: FindingSeverity;
  /** What its findings say, and when it fires: the README's table of rules (npm run docs). */
  says: string;
  when: string;
  derive(input: FindingsInput): Finding[];
}
