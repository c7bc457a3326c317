import { readFileSync } from 'node:fs';
import { type ResponseClass, responseClasses, unknownBackend } from '../../src/classify/types.js';
import { classFromTruth } from '../helpers/ground-truth.js';
import type { AppLogLine } from './app-log.js';

/** The lines of `--trace` this suite reads. */
interface TraceLogin {
  type: 'login';
  vu: number;
  user: string;
  requestId: string;
  start: number;
  outcome: string;
}
interface TraceResponse {
  type: 'response';
  vu: number;
  user: string;
  requestId: string;
  start: number;
  end: number;
  status?: number;
  class: ResponseClass;
  backend: string;
}
type TraceLine = TraceLogin | TraceResponse;

export function readTrace(path: string): TraceLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as TraceLine | { type: string })
    .filter((line): line is TraceLine => line.type === 'login' || line.type === 'response');
}

type ClassCounts = Record<ResponseClass, number>;

export interface Verdicts {
  /** Per class: what the tool said (its trace), and what the app's own log says of the same requests. */
  tool: ClassCounts;
  truth: ClassCounts;
  /** Responses the tool classed otherwise than the app's log, one sentence each. */
  disagreements: string[];
  /** Requests sent without a credential after a login the app accepted: the app had cleared the cookie. */
  cleared: number;
  /** Responses of the trace without a line in any instance's log (the balancer answered them itself). */
  unlogged: number;
  /** Logins the tool counted as done, and those the app's log shows with its user logged in. */
  logins: { toolOk: number; appOk: number };
  /** Traffic requests per instance, from the app's log. */
  perInstance: Record<string, number>;
}

const zeroCounts = (): ClassCounts =>
  Object.fromEntries(responseClasses.map((name) => [name, 0])) as ClassCounts;

/**
 * Joins the tool's trace with the apps' logs on the request id. Whether a VU held a session is the app's word
 * too: its latest login is one the app logged with that user signed in, not one the tool judged a success.
 */
export function judge(trace: TraceLine[], log: AppLogLine[]): Verdicts {
  const byId = new Map(log.map((line) => [line.requestId, line]));
  const verdicts: Verdicts = {
    tool: zeroCounts(),
    truth: zeroCounts(),
    disagreements: [],
    cleared: 0,
    unlogged: 0,
    logins: { toolOk: 0, appOk: 0 },
    perInstance: {},
  };
  const byVu = new Map<number, TraceLine[]>();
  for (const line of trace) byVu.set(line.vu, [...(byVu.get(line.vu) ?? []), line]);
  for (const lines of byVu.values()) {
    let hadSession = false;
    for (const line of lines.sort((a, b) => a.start - b.start)) {
      const logged = byId.get(line.requestId);
      if (line.type === 'login') {
        hadSession = logged?.user === line.user;
        if (line.outcome === 'login_ok') verdicts.logins.toolOk++;
        if (hadSession) verdicts.logins.appOk++;
        continue;
      }
      if (logged === undefined) verdicts.unlogged++;
      else verdicts.perInstance[logged.instance] = (verdicts.perInstance[logged.instance] ?? 0) + 1;
      const truth = classFromTruth(logged, { ...line, hadSession, sessionExpiresAt: undefined });
      if (hadSession && logged?.user === null && !logged.sentCredential) verdicts.cleared++;
      verdicts.tool[line.class]++;
      verdicts.truth[truth]++;
      // A backend the tool could not read is no claim; one it read must be the instance that logged it.
      const backendKnown = line.backend !== unknownBackend;
      if (truth !== line.class || (backendKnown && line.backend !== logged?.instance)) {
        const where = logged === undefined ? 'no instance logged it' : `${logged.instance} logged it`;
        verdicts.disagreements.push(
          `${line.requestId} (${line.user}, status ${line.status}): the tool says ${line.class} from ` +
            `${line.backend}; ${where} with ${logged?.user ?? 'nobody'} signed in: ${truth}`,
        );
      }
    }
  }
  return verdicts;
}
