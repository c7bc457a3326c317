import { type Classifier, compileRules, ruleNeeds } from '../classify/classify.js';
import type { ResponseClass } from '../classify/types.js';
import { unknownBackend } from '../classify/types.js';
import { PreflightError } from '../errors.js';
import { answerGist } from '../http/exchange.js';
import { RequestIds } from '../lab-contract/request-ids.js';
import { type LoginResult, type LoginSetup, logIn, loginSetup } from '../login/login.js';
import type { Plan } from '../profile/load.js';
import type { Auth } from '../profile/schema/auth.js';
import { type ClassifyRules, defaultLoggedOut, type LoggedOutRule } from '../profile/schema/classify.js';
import type { TrafficRequest } from '../profile/schema/traffic.js';
import { toResponseRecord } from '../traffic/response-record.js';
import { type Endpoint, type HttpContext, resolveEndpoint, type Sent, sendAs } from '../traffic/send.js';
import { clearsCookie } from '../traffic/session.js';
import type { Credential } from '../traffic/virtual-user.js';
import { createVirtualUser, type VirtualUser } from '../traffic/virtual-user.js';
import { redact } from '../util/redact.js';
import { detectBackendSign } from './backend.js';
import { type Answer, describeAnswer } from './evidence.js';
import { type AnswerPair, type LoginAnswer, learnLoggedOut, learnLoginSuccess, sameAnswer } from './learn.js';
import { probeLoginError } from './probe-error.js';
import type { ControlRequest, ControlsReport } from './report.js';

/**
 * Tries per backend for a fresh probe to reach its session, one fresh login per backend's worth of tries. Round
 * robin over 3 needs 3; a hash of the session cookie (which the login request lacks) puts a fresh session on
 * its login's backend 1 time in N, so 12 logins over 3 backends still miss by chance 0.8% of the time.
 */
const triesPerBackend = 12;

export interface ControlsInput {
  plan: Plan;
  context: HttpContext;
  /** The first user's id and credentials: the probe logs in as it. */
  probe: Credential & { id: number };
  log: (line: string) => void;
}

export interface ControlsOutcome {
  /** The rules the run classifies by: the profile's, with what preflight learned filled in. */
  rules: ClassifyRules;
  /** The profile's auth, with learned login success criteria. */
  auth: Auth;
  report: ControlsReport;
}

/**
 * Preflight's request ids: `<run>-preflight-<n>`, so that a server log tells the controls' requests from the
 * measured ones (they name no VU: `vuOfRequestId` reads none).
 */
class PreflightIds extends RequestIds {
  #count = 0;

  override next(): string {
    this.#count += 1;
    return `${this.prefix}-preflight-${this.#count.toString(36)}`;
  }
}

/** One control that failed: its evidence and the profile change that would fix it. */
interface Failure {
  what: string;
  evidence: string[];
  suggestion: string;
}

function answerOf(request: string, sent: Sent): Answer {
  return { request, ...answerGist(sent.exchange) };
}

function loginAnswer(auth: Auth, result: LoginResult): LoginAnswer {
  const { url, ...said } = result.detail;
  return { request: `${auth.login.method} ${url}`, ...said };
}

function isError(sent: Sent): boolean {
  const { status } = sent.exchange;
  return status === undefined || status >= 500;
}

interface Probed {
  /** Its line in the report, filled in as the controls judge it. */
  request: ControlRequest;
  entry: TrafficRequest;
  label: string;
  endpoint: Endpoint;
  loggedOut: Sent;
  /** The first answer with the session that differs from the logged-out one. */
  loggedIn?: Sent;
  tries: number;
  /** Backends that answered the logins and the requests of these tries (by the profile's rule). */
  loginBackends: Set<string>;
  requestBackends: Set<string>;
}

/**
 * The controls: the instrument is tested on this target before it measures. Each
 * failure is collected; all of them end preflight at once (exit 3) with their evidence and a fix.
 */
export async function runControls(input: ControlsInput): Promise<ControlsOutcome> {
  const { plan } = input;
  const context: HttpContext = { ...input.context, ids: new PreflightIds(input.context.ids.prefix) };
  const { profile } = plan;
  const base = profile.target.url;
  const secrets = [...plan.secrets, input.probe.password].filter((secret) => secret !== '');
  const lines: string[] = [];
  const say = (line: string): void => {
    const text = redact(line, secrets);
    lines.push(text);
    input.log(`preflight: ${text}`);
  };
  const failures: Failure[] = [];
  const newProbe = (): VirtualUser => createVirtualUser(input.probe.id, input.probe, profile.traffic.seed);

  let rules: ClassifyRules = profile.classify;
  let classifier: Classifier = compileRules(rules);
  const setupFor = (auth: Auth): LoginSetup =>
    loginSetup(auth, base, ruleNeeds(rules), (record) => classifier(record).backend, context);

  // The probe: one login with the right password must succeed.
  let auth = profile.auth;
  let probe = newProbe();
  // `at`: a mix entry's own login (controlLogin), else the profile's.
  const logInProbe = async (at?: string): Promise<LoginResult> => {
    probe = newProbe();
    const using = at === undefined ? auth : { ...auth, login: { ...auth.login, url: at } };
    const result = await logIn(probe, 'initial', setupFor(using));
    if (result.record.outcome !== 'login_ok') throw probeLoginError(probe, result, using, secrets);
    return result;
  };
  const right = await logInProbe();

  // Negative login: a wrong password must be judged failed.
  let negativeLogin: ControlsReport['negativeLogin'] = 'passed';
  let loginSuccess: ControlsReport['loginSuccess'] =
    auth.login.success === undefined ? undefined : { rule: auth.login.success, learned: false };
  if (!auth.login.negativeControl) {
    negativeLogin = 'off';
    say(
      'negative login: OFF (auth.login.negativeControl: false): nothing shows that a failed login is told apart',
    );
  } else {
    const wrongCredential = { username: input.probe.username, password: `${input.probe.password}-not-it` };
    const tryWrong = (): Promise<LoginResult> =>
      logIn(
        createVirtualUser(input.probe.id, wrongCredential, profile.traffic.seed),
        'initial',
        setupFor(auth),
      );
    const wrong = await tryWrong();
    if (wrong.record.outcome === 'login_ok') {
      const learned =
        auth.login.success === undefined
          ? learnLoginSuccess(loginAnswer(auth, right), loginAnswer(auth, wrong), base)
          : undefined;
      const evidence = [
        'right password:',
        ...describeAnswer(loginAnswer(auth, right), secrets).map((line) => `  ${line}`),
        'wrong password:',
        ...describeAnswer(loginAnswer(auth, wrong), secrets).map((line) => `  ${line}`),
      ];
      if (learned === undefined) {
        failures.push({
          what: 'negative login: a login with a wrong password was judged successful',
          evidence,
          suggestion:
            'say what a successful login shows beyond its status: auth.login.success { redirectTo, ' +
            'bodyPattern, cookie }; or auth.login.negativeControl: false if the target locks accounts',
        });
      } else {
        auth = { ...auth, login: { ...auth.login, success: learned } };
        // The learned criteria are proven on both passwords before the run uses them.
        await logInProbe();
        const again = await tryWrong();
        if (again.record.outcome === 'login_ok') {
          failures.push({
            what: `negative login: a wrong password passes even the learned criteria ${JSON.stringify(learned)}`,
            evidence,
            suggestion:
              'set auth.login.success { redirectTo, bodyPattern, cookie } to what only a success shows',
          });
        } else {
          loginSuccess = { rule: learned, learned: true };
          say(
            `negative login: a wrong password answered ${wrong.detail.status} too; learned ` +
              `auth.login.success: ${JSON.stringify(learned)}`,
          );
        }
      }
    } else if (wrong.record.outcome === 'login_error') {
      failures.push({
        what: `negative login: the login with a wrong password got no answer (${wrong.record.reason})`,
        evidence: describeAnswer(loginAnswer(auth, wrong), secrets),
        suggestion: 'check target.timeout; or auth.login.negativeControl: false',
      });
    } else {
      say(`negative login: a wrong password is judged failed (${wrong.record.reason ?? 'login_failed'})`);
    }
  }

  // Logged out and logged in: each mix request without a session, then with a fresh one.
  const backends = profile.classify.backends?.length ?? 3;
  const maxTries = triesPerBackend * backends;
  const anonymous = createVirtualUser(input.probe.id, { username: '', password: '' }, profile.traffic.seed);
  const send = (vu: VirtualUser, entry: TrafficRequest, endpoint: Endpoint): Promise<Sent> =>
    sendAs(
      vu,
      {
        endpoint,
        method: entry.method,
        headers: entry.headers,
        body: entry.body,
        keepBody: true,
        withToken: true,
        closeAfter: false,
      },
      context,
    );
  const backendOf = (vu: VirtualUser, label: string, endpoint: Endpoint, sent: Sent): string =>
    classifier(recordOf(vu, label, endpoint, sent, true)).backend;
  const recordOf = (vu: VirtualUser, label: string, endpoint: Endpoint, sent: Sent, hadSession: boolean) =>
    toResponseRecord(
      { ...vu, username: input.probe.username },
      {
        request: label,
        method: 'GET',
        path: endpoint.path,
        url: endpoint.url,
        intendedStart: sent.start,
        hadSession,
        sessionExpiresAt: undefined,
      },
      sent,
      ruleNeeds(rules),
    );

  const probed: Probed[] = [];
  let logins = 0;
  const spacerRequest: TrafficRequest = { method: 'GET', path: '/', weight: 1, headers: {}, public: true };
  const root = resolveEndpoint(base, base);
  const requests: ControlRequest[] = [];
  const allSent: Sent[] = [];
  for (const entry of profile.traffic.mix) {
    const label = entry.name ?? `${entry.method} ${entry.path}`;
    if (entry.public) {
      requests.push({ request: label, public: true });
      continue;
    }
    const endpoint = resolveEndpoint(entry.path, base);
    const loggedOut = await send(anonymous, entry, endpoint);
    allSent.push(loggedOut);
    const outAnswer = answerOf(label, loggedOut);
    const request: ControlRequest = {
      request: label,
      public: false,
      loggedOut: {
        ...(outAnswer.status === undefined ? {} : { status: outAnswer.status }),
        ...(outAnswer.location === undefined ? {} : { location: outAnswer.location }),
      },
    };
    requests.push(request);
    const item: Probed = {
      request,
      entry,
      label,
      endpoint,
      loggedOut,
      tries: 0,
      loginBackends: new Set([right.record.backend]),
      requestBackends: new Set(),
    };
    if (isError(loggedOut)) {
      failures.push({
        what: `logged out: ${label} answered an error without a session, so nothing can be learned from it`,
        evidence: describeAnswer(answerOf(label, loggedOut), secrets),
        suggestion: 'fix the request, or mark it public: true if it needs no session',
      });
      continue;
    }
    // A request of another service is proven on a session of that service's own login; the next entry gets
    // the profile's login again.
    const own = entry.controlLogin === undefined ? undefined : await logInProbe(entry.controlLogin);
    if (own !== undefined) item.loginBackends = new Set([own.record.backend]);
    while (item.tries < maxTries) {
      item.tries += 1;
      const sent = await send(probe, entry, endpoint);
      allSent.push(sent);
      item.requestBackends.add(backendOf(probe, label, endpoint, sent));
      if (!isError(sent) && !sameAnswer(answerOf(label, sent), outAnswer, base)) {
        item.loggedIn = sent;
        break;
      }
      // The balancer sent it where the session is not, or the server cleared it. The same session is tried
      // once per backend before a fresh login (at once if the cookie went). Under round robin a fixed cycle
      // (login of two requests, a CSRF page and the form, then one try) can keep missing in step, so each
      // fresh login is followed by a growing number of session-less requests to the target's root.
      const cleared = clearsCookie(
        sent.exchange.headers['set-cookie'],
        probe.sessionCookies,
        context.wallNow(),
      );
      if (cleared || item.tries % backends === 0) {
        const again = await logInProbe(entry.controlLogin);
        item.loginBackends.add(again.record.backend);
        logins += 1;
        for (let spacer = 0; spacer < logins % backends; spacer++) {
          await send(anonymous, spacerRequest, root);
        }
      }
    }
    probed.push(item);
    if (own !== undefined) await logInProbe();
  }

  // The "not logged in" rule: the profile's, or learned from the pairs.
  const pairs: AnswerPair[] = probed.flatMap((item) =>
    item.loggedIn === undefined
      ? []
      : [{ loggedOut: answerOf(item.label, item.loggedOut), loggedIn: answerOf(item.label, item.loggedIn) }],
  );
  let loggedOutRule: LoggedOutRule = profile.classify.loggedOut ?? defaultLoggedOut;
  const given = profile.classify.loggedOut !== undefined;
  let learnedLoggedOut = false;
  if (!given && pairs.length > 0) {
    const learned = learnLoggedOut(pairs, base);
    if ('rule' in learned) {
      loggedOutRule = learned.rule;
      learnedLoggedOut = true;
      say(`logged out: learned classify.loggedOut: ${JSON.stringify(learned.rule)}`);
    } else {
      for (const pair of learned.unexplained) {
        failures.push({
          what: `logged out: ${pair.loggedOut.request} differs with and without a session, but by nothing a rule can name`,
          evidence: [
            'without a session:',
            ...describeAnswer(pair.loggedOut, secrets).map((line) => `  ${line}`),
            'with one:',
            ...describeAnswer(pair.loggedIn, secrets).map((line) => `  ${line}`),
          ],
          suggestion: 'set classify.loggedOut.bodyPattern to a text only the logged-out answer has',
        });
      }
    }
  }
  rules = { ...profile.classify, loggedOut: loggedOutRule };
  classifier = compileRules(rules);

  // Backend identity: the profile's rule, else a usual sign, else stickiness is not measured.
  const records = allSent.map((sent) =>
    recordOf(probe, 'preflight', resolveEndpoint(base, base), sent, true),
  );
  const readsBackend = records.some((record) => classifier(record).backend !== unknownBackend);
  let backendLearned = false;
  let measurable = readsBackend;
  if (!readsBackend) {
    const sign = detectBackendSign(allSent.map((sent) => sent.exchange.headers));
    if (sign !== undefined) {
      rules = { ...rules, backend: sign };
      classifier = compileRules(rules);
      backendLearned = true;
      measurable = true;
      say(
        `backend identity: ${JSON.stringify(profile.classify.backend)} reads nothing; using ` +
          `classify.backend: ${JSON.stringify(sign)}`,
      );
    } else {
      say(
        'backend identity: no answer says which backend served it, so stickiness cannot be measured; the ' +
          "report's findings show how to add a header on the balancer",
      );
    }
  }

  // Each request, judged by the rules the run will use.
  const judge = (item: Probed, sent: Sent, hadSession: boolean): ResponseClass =>
    classifier(recordOf(probe, item.label, item.endpoint, sent, hadSession)).class;
  for (const item of probed) {
    const { request } = item;
    const outEvidence = describeAnswer(answerOf(item.label, item.loggedOut), secrets);
    if (item.loggedIn === undefined) {
      const logins = [...item.loginBackends].filter((name) => name !== unknownBackend);
      const answered = [...item.requestBackends].filter((name) => name !== unknownBackend);
      const neverReached =
        logins.length > 0 && answered.length > 0 && !answered.some((name) => logins.includes(name));
      failures.push({
        what: `logged in: ${item.label} answered the same with and without a session in ${item.tries} tries, with fresh logins between, so it cannot show a mismatch`,
        evidence: outEvidence,
        suggestion: neverReached
          ? `the balancer never sent it to the backend that holds the session (logins answered by ${logins.join(', ')}, the requests by ${answered.join(', ')}): make the balancer sticky or share the sessions`
          : 'if it needs no session, mark the mix entry public: true; otherwise the balancer never reaches ' +
            'the session (check that it passes the session cookie or token on)',
      });
      continue;
    }
    if (judge(item, item.loggedOut, true) !== 'mismatch') {
      const learned =
        item.loggedIn === undefined
          ? undefined
          : learnLoggedOut(
              [
                {
                  loggedOut: answerOf(item.label, item.loggedOut),
                  loggedIn: answerOf(item.label, item.loggedIn),
                },
              ],
              base,
            );
      failures.push({
        what: `logged out: ${item.label} sent without a session is not called "not logged in" by classify.loggedOut ${JSON.stringify(loggedOutRule)}`,
        evidence: outEvidence,
        suggestion:
          learned !== undefined && 'rule' in learned
            ? `classify.loggedOut: ${JSON.stringify(learned.rule)} (or remove classify.loggedOut to have it learned)`
            : 'set classify.loggedOut (status, redirectTo, bodyPattern) to what this answer shows',
      });
      continue;
    }
    request.loggedIn = {
      ...(item.loggedIn.exchange.status === undefined ? {} : { status: item.loggedIn.exchange.status }),
      tries: item.tries,
    };
    const inClass = judge(item, item.loggedIn, true);
    if (inClass !== 'ok') {
      const why =
        inClass === 'mismatch'
          ? `the rules call a logged-in answer logged out (classify.loggedOut ${JSON.stringify(loggedOutRule)})`
          : inClass === 'wrong_user'
            ? `the identity rule ${JSON.stringify(rules.identity)} reads another user than ${input.probe.username}`
            : `a logged-in answer is ${inClass}, not ok`;
      failures.push({
        what: `logged in: ${item.label}: ${why}`,
        evidence: [
          'with a fresh session:',
          ...describeAnswer(answerOf(item.label, item.loggedIn), secrets).map((line) => `  ${line}`),
          'without one:',
          ...outEvidence.map((line) => `  ${line}`),
        ],
        suggestion:
          inClass === 'mismatch'
            ? 'narrow classify.loggedOut to what only the logged-out answer shows (or remove it to have it learned)'
            : inClass === 'wrong_user'
              ? 'point classify.identity at where the answer names the logged-in user'
              : 'fix the request (method, path, body), or mark it public: true',
      });
    } else {
      say(`logged in: ${item.label} answered ok to a fresh session (try ${item.tries})`);
    }
  }
  const publicNames = requests.filter((request) => request.public).map((request) => request.request);
  if (publicNames.length > 0) say(`public (not checked, cannot show a mismatch): ${publicNames.join(', ')}`);

  if (failures.length > 0) {
    const text = failures
      .map((failure) =>
        [failure.what, ...failure.evidence.map((line) => `  ${line}`), `  fix: ${failure.suggestion}`].join(
          '\n',
        ),
      )
      .join('\n');
    const count = failures.length === 1 ? 'a control failed' : `${failures.length} controls failed`;
    throw new PreflightError(
      redact(`${count}; the rules cannot be trusted on this target:\n${text}`, secrets),
      {
        hint: 'each control says what it saw and the profile change that fixes it',
      },
    );
  }

  const report: ControlsReport = {
    negativeLogin,
    ...(loginSuccess === undefined ? {} : { loginSuccess }),
    loggedOut: { rule: loggedOutRule, learned: learnedLoggedOut },
    backend: { rule: rules.backend, learned: backendLearned, measurable },
    requests,
    lines,
  };
  return { rules, auth, report };
}
