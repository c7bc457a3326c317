import type { ScenarioOutcome } from '../../matrix/scenario.js';
import type { Summary } from '../../metrics/summary.js';
import { formatCount, formatPercent } from '../../report/format.js';

/**
 * One scenario of the demo: a profile in profiles/, the claim of the seed it checks (quoted), and the figure
 * from its run that answers the claim. The demo's closing sentences and the README's table of strategies say
 * both; a new scenario is one of these records and a line in ./index.ts.
 */
export interface DemoClaim {
  /** The profile's file in profiles/. */
  profile: string;
  /** The seed's claim, in its words as the README's table of strategies quotes them. */
  claim: string;
  /** The measured figure that answers the claim; undefined when the run has not the numbers for it. */
  figure: (measured: Measured) => string | undefined;
  /** Only in `demo --all`: the scenario takes long enough to push `demo` past two minutes. */
  slow?: boolean;
}

/** A scenario that ran: its outcome, and its summary and lab for short. */
interface Measured {
  outcome: ScenarioOutcome;
  summary: Summary;
  /** Backends the lab had (in all services); undefined against --target. */
  backends: number | undefined;
}

/** The closing sentence's clause for a scenario: the claim it checks and what was measured of it. */
export function claimSentence(claim: DemoClaim, outcome: ScenarioOutcome): string | undefined {
  const summary = outcome.result?.summary;
  if (summary === undefined) return undefined;
  const figure = claim.figure({ outcome, summary, backends: outcome.lab?.backends });
  return figure === undefined ? undefined : `It checks the seed's claim "${claim.claim}": ${figure}.`;
}

/** `a-me 0% (0 of 735), b-me 100% (646 of 646)`: each mix entry's mismatch rate, by name. */
export function perRequestMismatch(summary: Summary): string | undefined {
  const entries = Object.entries(summary.byRequest ?? {});
  if (entries.length === 0) return undefined;
  return entries
    .map(
      ([request, tally]) =>
        `${request} ${formatPercent(tally.mismatchRate.value)} (${formatCount(tally.mismatchRate.mismatches)} of ${formatCount(tally.mismatchRate.of)})`,
    )
    .join(', ');
}
