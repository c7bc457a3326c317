import type { HtmlPage } from '../report/html/render.js';
import { type ClosingClause, closingSentence } from './describe.js';
import type { ScenarioOutcome } from './scenario.js';
import { matrixColumns, matrixRow } from './table.js';

/** The matrix as an HTML page: the comparison table, then one section per strategy on the same scales. */
export function matrixPage(
  outcomes: readonly ScenarioOutcome[],
  title: string,
  intro: string[],
  closing?: ClosingClause,
): HtmlPage {
  return {
    title,
    intro,
    comparison: {
      head: [...matrixColumns],
      rows: outcomes.map((outcome) => {
        const row = matrixRow(outcome);
        return matrixColumns.map((column) => row[column]);
      }),
    },
    runs: outcomes.map((outcome) => ({
      heading: outcome.strategy,
      ...(outcome.description === undefined ? {} : { description: outcome.description }),
      notes: [
        closingSentence(outcome, closing),
        ...(outcome.lab === undefined
          ? []
          : [
              `lab ${outcome.lab.id}: ${outcome.lab.balancer}, ${outcome.lab.sessions} sessions, ${outcome.lab.backends} backends (${outcome.lab.runtime})`,
            ]),
        ...outcome.notes,
        ...(outcome.skipped === undefined ? [] : [`skipped: ${outcome.skipped}`]),
        ...(outcome.error === undefined ? [] : [`did not run: ${outcome.error}`]),
      ],
      ...(outcome.result === undefined ? {} : { result: outcome.result }),
    })),
  };
}
