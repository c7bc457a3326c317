import { Argument, Command, Option } from 'commander';
import { UsageError } from '../../errors.js';
import { balancerKinds } from '../../lab/balancer/registry.js';
import { backendFacts, backendSelector } from '../../lab/facts.js';
import { type LabFacts, startLab, stopLab } from '../../lab/index.js';
import { sessionScopes } from '../../lab/options.js';
import { scaleIn, scaleOut } from '../../lab/scale.js';
import { isUnowned, type LabState, listLabStates, readLabState } from '../../lab/state.js';
import { labStatus } from '../../lab/status.js';
import { respawnAt } from '../../lab/store-respawn.js';
import { sessionModes } from '../../lab-contract/backend-config.js';
import { parseDuration } from '../../util/duration.js';

type Write = (text: string) => void;

interface UpFlags {
  balancer: (typeof balancerKinds)[number];
  sessions: (typeof sessionModes)[number];
  backends: string;
  runtime: 'docker' | 'process';
  users: string;
  password: string;
  cookieName: string;
  sessionTtl: string;
  loggedOut: '401' | '302';
  replicationLag: string;
  jwtDivergentSecret?: true;
  services: string;
  sessionScope?: (typeof sessionScopes)[number];
  wrongUserRate: string;
  seed: string;
  json?: true;
}

function integer(flag: string, text: string): number {
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${flag}: "${text}" is not a whole number`);
  return Number(text);
}

function duration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`--${flag}: "${text}" is not a duration such as 200ms, 30s, 1h`);
  return ms;
}

function sentinelRows(facts: LabFacts): string[] {
  const store = facts.sentinelStore;
  if (store === undefined) return [];
  return [
    `  primary  redis://127.0.0.1:${store.primary.port}  pid ${store.primary.pid}  (chaos target name: store)`,
    `  replica  redis://127.0.0.1:${store.replica.port}  pid ${store.replica.pid}, through a link delayed ${store.replicationLagMs} ms (127.0.0.1:${store.relay.port})`,
    ...(store.sentinel === undefined
      ? []
      : [
          `  sentinel 127.0.0.1:${store.sentinel.port}  pid ${store.sentinel.pid}, primary named ${store.masterName}`,
        ]),
  ];
}

/** The help's closing lines: examples of `session-chaos lab ...`. */
function examples(commands: readonly string[]): string {
  const lines = commands.map((command) => `  $ session-chaos lab ${command}`);
  return `\n${lines.length === 1 ? 'Example' : 'Examples'}:\n${lines.join('\n')}`;
}

/** A `lab` command: `summary` for `lab --help`'s list, `description` for its own help and lab/README.md. */
function subcommand(
  name: string,
  text: { summary: string; description: string },
  exampleArgs: readonly string[],
): Command {
  return new Command(name)
    .summary(text.summary)
    .description(text.description)
    .addHelpText('after', examples(exampleArgs));
}

function describeUp(facts: LabFacts, seconds: number): string {
  const rows = [
    `lab ${facts.id} is up (${seconds.toFixed(1)}s): ${facts.balancer.kind} in front of ${facts.backends.length} ` +
      `backends (${facts.runtime}, ${facts.sessions} sessions)`,
    `  url      ${facts.url}`,
    ...(facts.services ?? []).map(
      (service) =>
        `  ${`${service.prefix}*`.padEnd(8)} service ${service.name}: ${service.backends.join(', ')} (${facts.sessionScope} sessions)`,
    ),
    ...facts.backends.map((b) => {
      const where = b.containerName === undefined ? `pid ${b.pid}` : `container ${b.containerName}`;
      return `  ${b.name.padEnd(8)} ${b.url}  ${where}  log ${b.logPath}`;
    }),
    ...(facts.redis ? [`  redis    ${facts.redis.url}`] : []),
    ...sentinelRows(facts),
    `  users    user1..user${facts.users}, password ${facts.password}`,
    `stop it with: session-chaos lab down ${facts.id}`,
  ];
  return `${rows.join('\n')}\n`;
}

/**
 * The labs `down` acts on: the one named; else those no running process answers for (left by `lab up`, or
 * orphaned), all of them with --all or the only one. A lab that a test or a run owns is left to its owner.
 */
function chooseLabs(id: string | undefined, all: boolean | undefined): LabState[] {
  if (id !== undefined) return [readLabState(id)];
  const labs = listLabStates().filter(isUnowned);
  if (all || labs.length <= 1) return labs;
  throw new UsageError(
    `${labs.length} labs are up (${labs.map((lab) => lab.id).join(', ')}): name one, or use --all`,
  );
}

function upCommand(write: Write): Command {
  return subcommand(
    'up',
    {
      summary: 'Start a lab and leave it running: backends, Redis if needed, and a balancer in front.',
      description:
        'starts a lab and leaves it running; `--json` prints the same facts as `startLab` returns.',
    },
    [
      'up --balancer haproxy-roundrobin --sessions redis --json',
      'up --balancer haproxy-cookie --sessions jwt --services 2 --session-scope per-service',
    ],
  )
    .addOption(new Option('--balancer <kind>', 'balancer').choices(balancerKinds).default('haproxy-cookie'))
    .addOption(new Option('--sessions <mode>', 'where sessions live').choices(sessionModes).default('memory'))
    .option('--backends <n>', 'number of backends', '3')
    .addOption(
      new Option('--runtime <runtime>', 'backends as').choices(['docker', 'process']).default('docker'),
    )
    .option('--users <n>', 'users user1..userN that can log in', '100')
    .option('--password <password>', 'the password of every user', 'chaos')
    .option('--cookie-name <name>', 'session cookie name (nginx-cookie-hash hashes on it)', 'sid')
    .option('--session-ttl <duration>', 'cookie Max-Age, session lifetime and JWT exp', '24h')
    .addOption(
      new Option('--logged-out <status>', 'answer when not logged in').choices(['401', '302']).default('401'),
    )
    .option('--replication-lag <duration>', 'replicated sessions reach peers after this', '200ms')
    .option('--jwt-divergent-secret', 'jwt: the last backend has a secret of its own')
    .option(
      '--services <n>',
      'services behind a gateway routing /a/*, /b/*, /c/* (HAProxy or nginx), each with --backends backends',
      '1',
    )
    .addOption(
      new Option(
        '--session-scope <scope>',
        'services: one JWT key or replication group for all, or one per service',
      ).choices(sessionScopes),
    )
    .option('--wrong-user-rate <rate>', 'share of /me answers given as another user (0..1)', '0')
    .option('--seed <n>', 'seed for the wrong-user fault', '1')
    .option('--json', 'print the lab as JSON')
    .action(async (flags: UpFlags) => {
      const wrongUserRate = Number(flags.wrongUserRate);
      if (flags.wrongUserRate.trim() === '' || Number.isNaN(wrongUserRate)) {
        throw new UsageError(`--wrong-user-rate: "${flags.wrongUserRate}" is not a number`);
      }
      const started = performance.now();
      const lab = await startLab({
        balancer: flags.balancer,
        sessions: flags.sessions,
        backends: integer('backends', flags.backends),
        runtime: flags.runtime,
        users: integer('users', flags.users),
        password: flags.password,
        cookieName: flags.cookieName,
        sessionTtlSeconds: Math.ceil(duration('session-ttl', flags.sessionTtl) / 1000),
        loggedOut: flags.loggedOut === '302' ? 302 : 401,
        replicationLagMs: duration('replication-lag', flags.replicationLag),
        jwtDivergentSecret: flags.jwtDivergentSecret === true,
        services: integer('services', flags.services),
        ...(flags.sessionScope === undefined ? {} : { sessionScope: flags.sessionScope }),
        wrongUserRate,
        seed: integer('seed', flags.seed),
        keepAfterExit: true,
      });
      const seconds = (performance.now() - started) / 1000;
      // JSON leaves out the lab's methods, so both forms print the same facts.
      write(flags.json ? `${JSON.stringify(lab, null, 2)}\n` : describeUp(lab, seconds));
    });
}

function downCommand(write: Write): Command {
  return subcommand(
    'down',
    {
      summary: 'Stop a lab and remove everything it started.',
      description:
        'stops a lab. Without an id it acts on labs that `lab up` left running (or whose owner died); a lab owned by a running test or run is left alone unless named.',
    },
    ['down', 'down --all'],
  )
    .argument('[id]', 'lab id (from lab up or lab status); may be left out when only one lab is up')
    .option('--all', 'stop every lab that lab up left running (labs of running tests or runs are left alone)')
    .action(async (id: string | undefined, flags: { all?: true }) => {
      for (const state of chooseLabs(id, flags.all)) {
        await stopLab(state.id);
        write(`lab ${state.id} is down\n`);
      }
    });
}

function statusCommand(write: Write): Command {
  return subcommand(
    'status',
    {
      summary: 'Show the labs that are up and what of each is running.',
      description:
        'what of each lab is running (read from the processes and containers; in `redis-sentinel` mode each process of the store: primary, replica, relay, sentinel).',
    },
    ['status', 'status --json'],
  )
    .argument('[id]', 'lab id')
    .option('--json', 'print as JSON')
    .action(async (id: string | undefined, flags: { json?: true }) => {
      const states = id === undefined ? listLabStates() : [readLabState(id)];
      const statuses = await Promise.all(states.map((state) => labStatus(state)));
      if (flags.json) {
        write(`${JSON.stringify(statuses, null, 2)}\n`);
        return;
      }
      if (statuses.length === 0) write('no lab is up\n');
      for (const status of statuses) {
        const backends = status.backends.map((b) => `${b.name} ${b.state}`).join(', ');
        const store = status.sentinelStore;
        const redis = status.redis
          ? `; redis ${status.redis.running ? 'running' : 'down'}`
          : store === undefined
            ? ''
            : `; store ${Object.entries(store)
                .map(([name, running]) => `${name} ${running ? 'running' : 'down'}`)
                .join(', ')}`;
        const owner = status.owner === null ? '' : ` (belongs to pid ${status.owner})`;
        write(
          `lab ${status.id}${owner} ${status.url ?? '(no balancer)'}: ${status.balancer.kind} ` +
            `${status.balancer.running ? 'running' : 'down'}; ${backends}${redis}\n`,
        );
      }
    });
}

function respawnCommand(write: Write): Command {
  return subcommand(
    'respawn',
    {
      summary:
        "Start a process lab backend, or the lab's session store, again (after chaos stopped or killed it), as it was first started; the process chaos driver runs this as its start command.",
      description:
        "starts a process lab's backend again, with the environment it was first started with, and waits until it answers `/healthz`; the process chaos driver runs it as its start command (`LabFacts.respawnCommand`). On the store's port (any runtime) it starts the store again, empty, and waits for its PING. What it starts is written beside the lab (`<dir>/respawned/`), so `lab down` and the owner's teardown stop it too.",
    },
    ['respawn 1a2b3c4d --port 41234'],
  )
    .argument('<id>', 'lab id')
    .requiredOption('--port <port>', "the backend's port, or the store's")
    .action(async (id: string, flags: { port: string }) => {
      const { name, pid, started } = await respawnAt(id, integer('port', flags.port));
      write(
        started
          ? `lab ${id}: ${name} started again (pid ${pid})\n`
          : `lab ${id}: ${name} is running already\n`,
      );
    });
}

function scaleCommand(write: Write): Command {
  return subcommand(
    'scale',
    {
      summary:
        "Scale a running lab: out starts one more backend and adds it to the balancer; in drains one out of the balancer and stops it. The chaos drivers run this as the lab's scale command.",
      description:
        "scaling. `out` starts backend b<N+1> as the others were started (container or process; a replicated one copies the sessions from its peers, but the peers, fixed at start, do not send it theirs) and adds it to the running balancer; `in --backend b2` (or a port, container id or name) drains b2 out of the balancer and stops it. `--json` prints the backend as one line, with `target`, the selector a chaos driver finds it by (a container id, a port): the `scale-out` and `scale-in` chaos actions of a lab profile run this command and read that line. Names are never given twice; a removed backend stays in the state (`lab status` says `removed`), and its log stays ground truth. At most 16 backends over a lab's life.",
    },
    ['scale 1a2b3c4d out', 'scale 1a2b3c4d in --backend b2'],
  )
    .argument('<id>', 'lab id')
    .addArgument(new Argument('<direction>', 'out or in').choices(['out', 'in']))
    .option(
      '--backend <ref>',
      'in: the backend to remove, by name (b2), port, container id or container name',
    )
    .option(
      '--json',
      'print the backend added or removed as one line of JSON; its target is how a chaos driver selects it',
    )
    .action(async (id: string, direction: 'out' | 'in', flags: { backend?: string; json?: true }) => {
      if (direction === 'in' && flags.backend === undefined) {
        throw new UsageError('lab scale in: --backend names the backend to remove');
      }
      if (direction === 'out' && flags.backend !== undefined) {
        throw new UsageError('lab scale out: --backend is only for in (out names the new backend itself)');
      }
      const backend = direction === 'out' ? await scaleOut(id) : await scaleIn(id, flags.backend ?? '');
      write(
        flags.json
          ? `${JSON.stringify({ ...backendFacts(backend), target: backendSelector(backend) })}\n`
          : `lab ${id}: ${backend.name} (port ${backend.port}) ${direction === 'out' ? 'added' : 'removed'}\n`,
      );
    });
}

/** `session-chaos lab up|down|status|respawn|scale`: the reference lab, for people (tests use startLab directly). */
export function labCommand(write: Write = (text) => process.stdout.write(text)): Command {
  const lab = new Command('lab')
    .summary('start, inspect, scale and stop the reference lab (lab/README.md)')
    .description(
      'Start, inspect and stop the reference lab (real HAProxy/nginx, Docker, Redis on 127.0.0.1).',
    )
    .addHelpText('after', examples(['up --balancer haproxy-cookie --sessions memory', 'down']));
  for (const command of [
    upCommand(write),
    downCommand(write),
    statusCommand(write),
    respawnCommand(write),
    scaleCommand(write),
  ]) {
    // Usage errors throw (the CLI's main turns them into exit code 2) instead of exiting here.
    lab.addCommand(command.exitOverride().showHelpAfterError('(add --help for usage)'));
  }
  return lab;
}
