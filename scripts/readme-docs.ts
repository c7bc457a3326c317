import type { Command, Option } from 'commander';
import { exitCodeMeanings } from '../src/errors.js';
import { findingRules } from '../src/findings/rules.js';
import { balancerFamilies } from '../src/lab/balancer/registry.js';
import { renderProfileJsonSchema } from '../src/profile/json-schema.js';
import { overrides } from '../src/profile/overrides.js';
import { limitRows } from '../src/profile/schema/limits.js';
import { defaultThresholds } from '../src/thresholds/resolve.js';

/**
 * The docs' reference tables, made from what the tool itself reads: the commands and the flags of `run` from
 * the commander definitions (and the overrides table), the profile fields from the zod schema (through its
 * JSON Schema: descriptions, defaults, forms), the limits from src/profile/schema/limits.ts, the exit codes
 * from the errors module, the findings rules and the default thresholds from their registries, the lab's
 * balancer families from theirs. `npm run docs` writes them between the markers of README.md and
 * lab/README.md; test/docs checks that both hold what this renders.
 */

interface JsonNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonNode>;
  required?: string[];
  items?: JsonNode;
  oneOf?: JsonNode[];
  anyOf?: JsonNode[];
  enum?: unknown[];
  const?: unknown;
}

export interface Row {
  cells: string[];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

/** A value as a profile writes it, in YAML's flow style: `{ from: header, name: x-backend-id }`. */
export function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${key}: ${flow(item)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  if (typeof value === 'string')
    return /^[\w./{}*-][\w ./{}*:-]*$/.test(value) ? value : JSON.stringify(value);
  return String(value);
}

const isPlainObject = (node: JsonNode): boolean =>
  node.properties !== undefined && node.oneOf === undefined && node.anyOf === undefined;

function variants(node: JsonNode): JsonNode[] | undefined {
  return node.oneOf ?? node.anyOf;
}

/** A union's form: `{ from: regex, pattern }` (the fields' descriptions after it), `401`, a list of integers. */
function form(variant: JsonNode): string {
  if (variant.const !== undefined) return code(flow(variant.const));
  if (variant.properties === undefined) {
    if (variant.type === 'array' && variant.items !== undefined) return `a list of ${form(variant.items)}`;
    const kind =
      variant.enum === undefined
        ? `${variant.type ?? 'any'}`
        : variant.enum.map((v) => code(flow(v))).join(' or ');
    return variant.description === undefined ? kind : `${kind} (${variant.description})`;
  }
  const required = new Set(variant.required ?? []);
  const fields = Object.entries(variant.properties).map(([key, field]) =>
    field.const !== undefined ? `${key}: ${flow(field.const)}` : required.has(key) ? key : `${key}?`,
  );
  const described = Object.entries(variant.properties)
    .filter(([, field]) => field.description !== undefined)
    .map(([key, field]) => `${key}: ${field.description}`);
  return `${code(`{ ${fields.join(', ')} }`)}${described.length === 0 ? '' : ` (${described.join('; ')})`}`;
}

/** What a field takes, where its description does not already say it. */
function domain(node: JsonNode): string {
  const text = node.description ?? '';
  const values = node.enum ?? (node.items?.enum === undefined ? undefined : node.items.enum);
  if (values !== undefined) {
    const named = values.map((value) => flow(value));
    if (named.every((name) => text.includes(name))) return '';
    return ` One of ${named.map(code).join(', ')}.`;
  }
  const each = node.type === 'array' && node.items !== undefined && variants(node.items) !== undefined;
  const forms = variants(each && node.items !== undefined ? node.items : node);
  if (forms === undefined) return '';
  const written = forms.map(form);
  if (forms.every((variant) => variant.const !== undefined && text.includes(flow(variant.const)))) return '';
  return ` ${each ? 'Each' : 'Forms'}: ${written.join('; ')}.`;
}

function defaultCell(node: JsonNode, required: boolean): string {
  if (node.default !== undefined) return code(flow(node.default));
  return required ? '(required)' : 'none';
}

/** The profile's fields, one row each: plain objects are walked into, every other field is one row. */
export function profileFieldRows(): Row[] {
  const schema = JSON.parse(renderProfileJsonSchema()) as JsonNode;
  const rows: Row[] = [];
  const missing: string[] = [];
  const row = (path: string, node: JsonNode, required: boolean, withDefault: boolean): void => {
    if (node.description === undefined) missing.push(path);
    rows.push({
      cells: [
        code(path),
        withDefault ? defaultCell(node, required) : '',
        `${node.description ?? ''}${domain(node)}`.trim(),
      ],
    });
  };
  const walk = (path: string, node: JsonNode, required: boolean): void => {
    if (isPlainObject(node)) {
      if (path !== '' && node.description !== undefined) row(path, node, required, false);
      const needed = new Set(node.required ?? []);
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        walk(path === '' ? key : `${path}.${key}`, child, needed.has(key));
      }
      return;
    }
    if (node.type === 'array' && node.items !== undefined && isPlainObject(node.items)) {
      row(path, node, required, true);
      walk(`${path}[]`, { ...node.items, description: undefined }, false);
      return;
    }
    row(path, node, required, true);
  };
  walk('', schema, true);
  if (missing.length > 0) {
    throw new Error(
      `profile fields without a description (add .describe() in src/profile/schema): ${missing.join(', ')}`,
    );
  }
  return rows;
}

/** The flags of a command: each option, with the variable and the profile field of the overrides table. */
export function flagRows(command: Command): Row[] {
  return command.options.map((option: Option) => {
    const override = overrides.find((entry) => entry.flag === option.flags);
    const implied = Object.entries(
      (override !== undefined && 'implies' in override ? override.implies : undefined) ?? {},
    ).map(([path, value]) => ` (and ${code(`${path}: ${value}`)})`);
    // The option's help carries the variable (run's --help shows it); the table has a column for it.
    const description = option.description
      .replace(/ \[env: [A-Z_]+\]$/, '')
      .replace(override === undefined ? /$^/ : ` (${override.path})`, '');
    return {
      cells: [
        code(option.flags),
        override === undefined ? '' : code(override.env),
        override === undefined ? '' : `${code(override.path)}${implied.join('')}`,
        description,
      ],
    };
  });
}

/** Choices a usage line spells out (`docker|process`); longer lists are shown as the option's `<name>`. */
function spelled(choices: readonly string[] | undefined): string | undefined {
  const text = choices?.join('|');
  return text !== undefined && text.length <= 32 ? text : undefined;
}

/** An option as a usage line shows it: `--format table|json`, `--json <file>`; a flag and its `--no-` together. */
function optionUsage(option: Option): string {
  const flag = option.long ?? option.flags;
  const choices = spelled(option.argChoices);
  if (choices !== undefined) return `${flag} ${choices}`;
  const argument = /[<[].*[>\]]$/.exec(option.flags)?.[0];
  return argument === undefined ? flag : `${flag} ${argument}`;
}

/** `run --profile <file> [flags]`, `demo [--all] [--html <file> | --no-html]`, `lab up|status|down`. */
function usage(command: Command, tabled: ReadonlySet<string>): string {
  const parts = [command.name()];
  if (command.commands.length > 0) parts.push(command.commands.map((sub) => sub.name()).join('|'));
  for (const argument of command.registeredArguments) {
    const choices = spelled(argument.argChoices);
    const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
    parts.push(choices ?? (argument.required ? `<${name}>` : `[${name}]`));
  }
  const optional: string[] = [];
  const byAttribute = new Map<string, string[]>();
  for (const option of command.options) {
    if (option.mandatory) parts.push(optionUsage(option));
    else {
      const key = option.attributeName();
      if (!byAttribute.has(key)) optional.push(key);
      byAttribute.set(key, [...(byAttribute.get(key) ?? []), optionUsage(option)]);
    }
  }
  if (tabled.has(command.name())) parts.push('[flags]');
  else for (const key of optional) parts.push(`[${(byAttribute.get(key) ?? []).join(' | ')}]`);
  return parts.join(' ');
}

/** One row per command (its usage and its summary), then the program's own options (`--help`, `--version`). */
function commandRows(program: Command, tabled: ReadonlySet<string>): Row[] {
  const help = program.createHelp();
  return [
    ...program.commands.map((command) => ({
      cells: [code(`${program.name()} ${usage(command, tabled)}`), help.subcommandDescription(command)],
    })),
    ...help.visibleOptions(program).map((option) => ({
      cells: [code(`${program.name()} ${option.long ?? option.flags}`), option.description],
    })),
  ];
}

function limitTableRows(): Row[] {
  return limitRows.map((row) => ({ cells: [row.what, row.atMost, row.why] }));
}

function balancerRows(): Row[] {
  return balancerFamilies.map((family) => ({
    cells: [
      family.title,
      family.kinds.map(code).join(', '),
      Object.entries(family.standIns)
        .map(([kind, standIn]) => `${code(kind)}: ${code(standIn)}`)
        .join(', '),
      family.changesBy,
    ],
  }));
}

function findingRows(): Row[] {
  return findingRules.map((rule) => ({
    cells: [`${code(rule.id)} (${rule.severity})`, rule.says, rule.when],
  }));
}

function defaultThresholdRows(): Row[] {
  return defaultThresholds.map((entry) => ({
    cells: [code(entry.expression), entry.reason, entry.replacedBy.map(code).join(', ')],
  }));
}

export function exitCodeRows(): Row[] {
  return Object.entries(exitCodeMeanings).map(([exitCode, { meaning }]) => ({ cells: [exitCode, meaning] }));
}

function table(head: string[], rows: Row[], align: Array<'left' | 'right'> = head.map(() => 'left')): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [
    line(head),
    `| ${align.map((a) => (a === 'right' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => line(row.cells)),
  ].join('\n');
}

/** The README's generated blocks, by the name in their markers. */
export function readmeBlocks(program: Command): Record<string, string> {
  const run = program.commands.find((command) => command.name() === 'run');
  if (run === undefined) throw new Error('the program has no run command');
  return {
    commands: table(['command', 'what it does'], commandRows(program, new Set(['run']))),
    'profile-fields': table(['field', 'default', 'meaning'], profileFieldRows()),
    'run-flags': table(['flag', 'environment variable', 'profile field', 'meaning'], flagRows(run)),
    limits: table(['what', 'at most', 'why'], limitTableRows()),
    'exit-codes': table(['code', 'meaning'], exitCodeRows(), ['right', 'left']),
    findings: table(['rule', 'says', 'when'], findingRows()),
    'default-thresholds': table(
      ['default', 'why', 'replaced by a threshold of your own on'],
      defaultThresholdRows(),
    ),
  };
}

/** lab/README.md's generated blocks. */
export function labReadmeBlocks(program: Command): Record<string, string> {
  const lab = program.commands.find((command) => command.name() === 'lab');
  if (lab === undefined) throw new Error('the program has no lab command');
  return {
    'lab-commands': lab.commands
      .map((command) => `- ${code(`lab ${usage(command, new Set())}`)}: ${command.description()}`)
      .join('\n'),
    'balancer-families': table(
      ['family', 'kinds', 'stood in for by, where the program is missing', 'adds and removes a server by'],
      balancerRows(),
    ),
  };
}

const marker = (name: string, end: boolean) => `<!-- ${end ? '/' : ''}generated:${name} (npm run docs) -->`;

/** A doc with each generated block put between its markers; a missing marker is an error. */
export function updateReadme(readme: string, blocks: Record<string, string>): string {
  let text = readme;
  for (const [name, block] of Object.entries(blocks)) {
    const start = marker(name, false);
    const end = marker(name, true);
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from === -1 || to < from) throw new Error(`the doc has no ${start} ... ${end} markers`);
    text = `${text.slice(0, from + start.length)}\n${block}\n${text.slice(to)}`;
  }
  return text;
}
