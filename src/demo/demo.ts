import { fileURLToPath } from 'node:url';
import { ExitCode } from '../errors.js';
import type { Runtime } from '../lab/state.js';
import { builtinStandIns } from '../matrix/platform.js';
import { presentMatrix } from '../matrix/present.js';
import { stdoutPath } from '../report/write.js';

// This module sits two levels below the package root both as source (src/demo) and built (dist/demo).
const profilesDir = fileURLToPath(new URL('../../profiles/', import.meta.url));

/** The seed's strategies in the order its argument goes: the problem, then each remedy and its price. */
const demoProfiles = [
  'round-robin-memory.yaml',
  'sticky-cookie.yaml',
  'sticky-source-ip.yaml',
  'clustering.yaml',
  'external-store-redis.yaml',
  'jwt.yaml',
].map((file) => `${profilesDir}${file}`);

const intro = [
  'session-chaos demo: each way of sharing sessions behind a load balancer, measured on a local lab',
  '(3 backends, 20 virtual users, 8 s of traffic each; backends restarted in the sticky-cookie, clustering, Redis and JWT runs).',
  'The profiles are in profiles/; run one on your own deployment with: session-chaos run --profile <file> --target <url>',
].join('\n');

export interface DemoOptions {
  json?: string;
  /** The HTML report's path; false for none. Default: beside the JSON, else session-chaos-demo.html here. */
  html?: string | boolean;
  /** Processes even when Docker answers. */
  runtime?: Runtime;
  /** The built-in balancer even when HAProxy and nginx are installed. */
  builtinBalancer?: boolean;
}

/**
 * The README's first command: the strategy matrix on a lab made of what this machine has. Failed thresholds
 * are findings here (round robin over memory sessions is meant to fail), so only a scenario that could not
 * run, or an interrupt, makes the exit code non-zero.
 */
/** Where the demo writes its HTML report: the flag's path, beside the JSON file, or in this directory. */
export function demoHtmlPath(options: Pick<DemoOptions, 'json' | 'html'>): string | undefined {
  if (options.html === false) return undefined;
  if (typeof options.html === 'string') return options.html;
  if (options.json !== undefined && options.json !== stdoutPath)
    return `${options.json.replace(/\.json$/i, '')}.html`;
  return 'session-chaos-demo.html';
}

export async function runDemo(options: DemoOptions): Promise<ExitCode> {
  const html = demoHtmlPath(options);
  const code = await presentMatrix(demoProfiles, {
    intro,
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
