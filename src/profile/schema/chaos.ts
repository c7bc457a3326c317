import { z } from 'zod';
import { duration, positiveInt, shortDuration, strictObject } from './common.js';
import { atMost, limits } from './limits.js';

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1).max(64)]);
const port = z.number().int().min(1).max(65_535);

export const chaosDrivers = ['docker', 'process'] as const;
/** The selector keys each driver reads; any other key is refused, so a selector means one thing only. */
const selectorKeysOf = {
  docker: ['name', 'id', 'label'],
  process: ['pid', 'pidFile', 'port'],
} as const satisfies Record<(typeof chaosDrivers)[number], readonly string[]>;

const selectorSchema = strictObject({
  name: z
    .string()
    .min(1)
    .optional()
    .describe('docker: the container name, exactly, or a glob with * (backend-*).'),
  id: z.string().min(1).optional().describe('docker: a container id or a prefix of one.'),
  label: z.string().min(1).optional().describe('docker: key or key=value'),
  pid: oneOrMany(z.number().int().min(2)).optional().describe('process: a process id, or a list of them.'),
  pidFile: oneOrMany(z.string().min(1))
    .optional()
    .describe('process: a file holding the process id (read at each action), or a list of them.'),
  port: oneOrMany(port)
    .optional()
    .describe('process: the 127.0.0.1 port the process listens on (found in /proc), or a list of them.'),
}).refine((selector) => Object.values(selector).some((value) => value !== undefined), {
  error: 'expected at least one of name, id, label (docker) or pid, pidFile, port (process)',
});

const pickPattern = /^(one|all|rolling|random [1-9]\d*)$/;

const undoable = new Set(['stop', 'pause']);
const scaling = new Set(['scale-out', 'scale-in']);

const commandLine = z.array(z.string()).min(1);
const scaleCommandsSchema = strictObject({
  out: commandLine.describe(
    'The command (no shell) that adds one member to the group; it prints a line of JSON whose `target` is a selector of the driver for the member it added ({"target":{"port":41234}}).',
  ),
  in: commandLine.describe(
    'The command (no shell) that drains one member out of the group and stops it; {target} is replaced by the member (docker: its container id; process: its port, pid or pid file).',
  ),
});

export const chaosEventSchema = strictObject({
  name: z.string().min(1).optional().describe('How the plan and the journal name it (default `events[N]`).'),
  driver: z.enum(chaosDrivers).optional().describe('What acts on the target; default chaos.driver.'),
  action: z
    .enum(['restart', 'stop', 'start', 'kill', 'pause', 'unpause', 'exec', 'scale-out', 'scale-in'])
    .describe(
      'What is done to each target; scale-out adds one member to the group and scale-in removes each target picked, by the scale commands.',
    ),
  at: duration.optional().describe('When, from the start of the traffic phase; with every, the first time.'),
  every: duration.optional().describe('Repeat at this interval (first at `at`, else after one interval).'),
  jitter: shortDuration.optional().describe('With every: a random delay of up to this much, seeded.'),
  times: positiveInt
    .max(limits.chaosActions, { error: atMost(limits.chaosActions) })
    .optional()
    .describe('With every: how many times at most.'),
  target: selectorSchema.optional(),
  pick: z
    .string()
    .regex(pickPattern, { error: 'expected one, all, rolling or "random N"' })
    .default('one')
    .describe('one (seeded random), "random N", all (at once), rolling (one at a time, waiting in between).'),
  for: duration.optional().describe('stop or pause: undo (start or unpause) after this long.'),
  signal: z.string().min(1).optional().describe('kill: the signal, default SIGKILL.'),
  timeout: shortDuration
    .optional()
    .describe(
      'restart or stop: how long to wait after SIGTERM before killing (Docker rounds it to whole seconds); exec, scale-out, scale-in: the time limit of the command.',
    ),
  start: z
    .array(z.string())
    .min(1)
    .optional()
    .describe(
      'process: the command (no shell) that starts a target again, for restart and for rollback of a stop or kill; {port}, {pid} and {pidFile} are replaced.',
    ),
  marker: z
    .string()
    .min(1)
    .optional()
    .describe(
      'exec: the action is done when the command prints a line containing this (default "session-chaos: done"), else when it exits; its impact window closes chaos.impactWindow later.',
    ),
  waitFor: z
    .enum(['running', 'healthy'])
    .optional()
    .describe('What "back" means: default healthy for containers with a health check, running otherwise.'),
  waitTimeout: shortDuration
    .prefault('60s')
    .describe('How long to wait for a target to be back (rolling waits on it).'),
  command: commandLine.optional().describe('exec: the command and its arguments (no shell).'),
  scale: scaleCommandsSchema
    .optional()
    .describe(
      "scale-out, scale-in: the commands that scale the group, whichever the event runs (each is the other's undo); a lab profile's are the lab's own `lab scale`.",
    ),
}).superRefine((event, ctx) => {
  if (event.at === undefined && event.every === undefined) {
    ctx.addIssue({ code: 'custom', path: ['at'], message: 'expected at or every' });
  }
  for (const field of ['jitter', 'times'] as const) {
    if (event[field] !== undefined && event.every === undefined) {
      ctx.addIssue({ code: 'custom', path: [field], message: 'only used with every' });
    }
  }
  if (event.action === 'exec' && event.command === undefined) {
    ctx.addIssue({ code: 'custom', path: ['command'], message: 'required when action is exec' });
  }
  for (const field of ['command', 'marker'] as const) {
    if (event.action !== 'exec' && event[field] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [field], message: 'only used when action is exec' });
    }
  }
  if (event.action === 'exec' && (event.start !== undefined || event.driver !== undefined)) {
    const field = event.start === undefined ? 'driver' : 'start';
    ctx.addIssue({ code: 'custom', path: [field], message: 'not used when action is exec' });
  }
  if (event.scale !== undefined && !scaling.has(event.action)) {
    ctx.addIssue({
      code: 'custom',
      path: ['scale'],
      message: 'only used when action is scale-out or scale-in',
    });
  }
  if (event.action === 'scale-out') {
    // The member is the one the scale command adds: nothing to select or pick before it exists.
    if (event.target !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: 'not used when action is scale-out (it adds the member its scale command names)',
      });
    }
    if (event.pick !== 'one') {
      ctx.addIssue({ code: 'custom', path: ['pick'], message: 'not used when action is scale-out' });
    }
  } else if (event.action !== 'exec' && event.target === undefined) {
    ctx.addIssue({ code: 'custom', path: ['target'], message: `required when action is ${event.action}` });
  }
  if (event.for !== undefined && !undoable.has(event.action)) {
    ctx.addIssue({ code: 'custom', path: ['for'], message: 'only used when action is stop or pause' });
  }
  if (event.signal !== undefined && event.action !== 'kill') {
    ctx.addIssue({ code: 'custom', path: ['signal'], message: 'only used when action is kill' });
  }
  if (event.timeout !== undefined && !['restart', 'stop', 'exec', ...scaling].includes(event.action)) {
    ctx.addIssue({
      code: 'custom',
      path: ['timeout'],
      message: 'only used when action is restart, stop, exec, scale-out or scale-in',
    });
  }
  if (event.pick === 'rolling' && undoable.has(event.action) && event.for === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['pick'],
      message: `rolling waits for each target to be back, so ${event.action} needs for`,
    });
  }
});

export const chaosSchema = strictObject({
  driver: z
    .enum(chaosDrivers)
    .default('docker')
    .describe(
      'What acts on targets: docker (Engine API, also Podman) or process (signals by pid, pid file, port).',
    ),
  docker: strictObject({
    host: z.string().min(1).optional().describe('Overrides DOCKER_HOST.'),
  }).prefault({}),
  maxTargets: positiveInt
    .max(limits.chaosTargets, { error: atMost(limits.chaosTargets) })
    .default(10)
    .describe('Preflight fails when a selector matches more containers.'),
  impactWindow: shortDuration
    .prefault('10s')
    .describe(
      "Mismatches, errors and re-logins from an action's issue until this long after its effect is over (the target back, else the action done) count as its impact.",
    ),
  drainBudget: shortDuration
    .prefault('30s')
    .describe('The longest the run waits at its end for chaos: actions under way, then the rollback.'),
  events: z
    .array(chaosEventSchema)
    .max(limits.chaosEvents, { error: atMost(limits.chaosEvents, ' events') })
    .default([])
    .describe('Actions on targets, on the traffic phase clock; each is undone at the end where it can be.'),
}).superRefine((chaos, ctx) => {
  chaos.events.forEach((event, index) => {
    const driver = event.driver ?? chaos.driver;
    if (event.target !== undefined) {
      const allowed: readonly string[] = selectorKeysOf[driver];
      for (const key of Object.keys(event.target)) {
        if (event.target[key as keyof typeof event.target] === undefined || allowed.includes(key)) continue;
        ctx.addIssue({
          code: 'custom',
          path: ['events', index, 'target', key],
          message: `not a ${driver} selector (${driver} selects by ${allowed.join(', ')})`,
        });
      }
    }
    if (event.start !== undefined && driver !== 'process') {
      ctx.addIssue({
        code: 'custom',
        path: ['events', index, 'start'],
        message: 'only used with the process driver',
      });
    }
  });
});
export type Chaos = z.output<typeof chaosSchema>;
export type ChaosEvent = Chaos['events'][number];
export type ChaosSelector = NonNullable<ChaosEvent['target']>;
export type ScaleCommands = z.output<typeof scaleCommandsSchema>;

/** A problem with the path as zod keeps it, so that it can be added to a zod context or formatted. */
export interface PathIssue {
  path: (string | number)[];
  message: string;
}

/** How many times an event acts in a traffic phase of `horizonMs`: at most `times`, once per `every` before the end. */
function plannedActions(event: ChaosEvent, horizonMs: number | undefined): number {
  if (event.every === undefined) return 1;
  const first = event.at ?? event.every;
  const times = event.times ?? Number.POSITIVE_INFINITY;
  if (horizonMs === undefined) return times;
  if (first >= horizonMs) return 0;
  // every 0ms over a run would repeat without end: Infinity, refused below.
  const repeats =
    event.every === 0 ? Number.POSITIVE_INFINITY : Math.floor((horizonMs - 1 - first) / event.every);
  return Math.min(times, repeats + 1);
}

/**
 * The chaos plan is built in full before the run (and printed by --dry-run), so an `every` that would plan
 * millions of actions is refused here, by count, without building it. An event bounded by neither the run's
 * duration nor `times` is left to the timing check, which asks for `times`.
 */
export function chaosPlanSizeIssues(chaos: Chaos, horizonMs: number | undefined): PathIssue[] {
  const problems: PathIssue[] = [];
  let total = 0;
  chaos.events.forEach((event, index) => {
    const count = plannedActions(event, horizonMs);
    if (!Number.isFinite(count) && event.times === undefined && horizonMs === undefined) return;
    total += count;
    if (count > limits.chaosActions) {
      const planned = Number.isFinite(count) ? count.toLocaleString('en-US') : 'endless';
      problems.push({
        path: ['chaos', 'events', index, 'every'],
        message: `plans ${planned} actions over the run; ${atMost(limits.chaosActions, ' actions')}: a longer every, or times`,
      });
    }
  });
  if (problems.length === 0 && total > limits.chaosActions) {
    problems.push({
      path: ['chaos', 'events'],
      message: `plan ${total.toLocaleString('en-US')} actions over the run together; ${atMost(limits.chaosActions, ' actions')}`,
    });
  }
  return problems;
}
