import { fileURLToPath } from 'node:url';
import { ExitCode } from '../errors.js';
import type { Runtime } from '../lab/state.js';
import type { ClosingClause } from '../matrix/describe.js';
import { builtinStandIns } from '../matrix/platform.js';
import { presentMatrix } from '../matrix/present.js';
import { stdoutPath } from '../report/write.js';
import { claimSentence, demoClaims } from './claims/index.js';

// This module sits two levels below the package root both as source (src/demo) and built (dist/demo).
const profilesDir = fileURLToPath(new URL('../../profiles/', import.meta.url));

function intro(all: boolean): string {
  return [
    'session-chaos demo: each way of sharing sessions behind a load balancer, measured on a local lab',
    `(${all ? '20-40 virtual users, 3-14 s' : '20-30 virtual users, 3-8 s'} of traffic each; backends restarted in the sticky-cookie, clustering, Redis and JWT runs;`,
    "the store's primary killed in the store-failover run;",
    'two services behind one gateway in the services run;',
    all
      ? 'a backend added and one removed while users are logged in, in the scaling run).'
      : 'demo --all adds the slower scenarios: scaling).',
    "Each sentence at the end names the seed's claim its scenario checks, with the figure measured.",
    'The profiles are in profiles/; run one on your own deployment with: session-chaos run --profile <file> --target <url>',
  ].join('\n');
}

/** The scenarios a demo runs: every one with --all, else those that keep it under two minutes. */
export function demoScenarios(all: boolean): { paths: string[]; closing: ClosingClause } {
  const chosen = demoClaims.filter((claim) => all || claim.slow !== true);
  const byPath = new Map(chosen.map((claim) => [`${profilesDir}${claim.profile}`, claim]));
  return {
    paths: [...byPath.keys()],
    closing: (outcome) => {
      const claim = byPath.get(outcome.source);
      return claim === undefined ? undefined : claimSentence(claim, outcome);
    },
  };
}

export interface DemoOptions {
  json?: string;
  /** The HTML report's path; false for none. Default: beside the JSON, else session-chaos-demo.html here. */
  html?: string | boolean;
  /** Processes even when Docker answers. */
  runtime?: Runtime;
  /** The built-in balancer even when HAProxy and nginx are installed. */
  builtinBalancer?: boolean;
  /** Also the slow scenarios (`slow: true` in src/demo/claims). */
  all?: boolean;
}

/** Where the demo writes its HTML report: the flag's path, beside the JSON file, or in this directory. */
export function demoHtmlPath(options: Pick<DemoOptions, 'json' | 'html'>): string | undefined {
  if (options.html === false) return undefined;
  if (typeof options.html === 'string') return options.html;
  if (options.json !== undefined && options.json !== stdoutPath)
    return `${options.json.replace(/\.json$/i, '')}.html`;
  return 'session-chaos-demo.html';
}

/**
 * The README's first command: the strategy matrix on a lab made of what this machine has. Failed thresholds
 * are findings here (round robin over memory sessions is meant to fail), so only a scenario that could not
 * run, or an interrupt, makes the exit code non-zero.
 */
export async function runDemo(options: DemoOptions): Promise<ExitCode> {
  const html = demoHtmlPath(options);
  const all = options.all === true;
  const { paths, closing } = demoScenarios(all);
  const code = await presentMatrix(paths, {
    intro: intro(all),
    closing,
    title: 'session-chaos demo: session strategies behind a load balancer',
    ...(html === undefined ? {} : { html }),
    standIns: builtinStandIns,
    detect: {
      ...(options.runtime === undefined ? {} : { runtime: options.runtime }),
      ...(options.builtinBalancer === true ? { builtinOnly: true } : {}),
    },
    ...(options.json === undefined ? {} : { json: options.json }),
  });
  return code === ExitCode.thresholdsFailed ? ExitCode.passed : code;
}
