import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labReadmeBlocks, profileFieldRows, readmeBlocks, updateReadme } from '../../scripts/readme-docs.js';
import { newOutcome } from '../../src/cli/outcome.js';
import { buildProgram } from '../../src/cli/program.js';
import { ExitCode } from '../../src/errors.js';
import { findingRules } from '../../src/findings/rules.js';
import { balancerKinds } from '../../src/lab/balancer/registry.js';
import { overrides } from '../../src/profile/overrides.js';
import { limits } from '../../src/profile/schema/limits.js';

const readme = readFileSync('README.md', 'utf8');
const program = buildProgram(newOutcome());
const blocks = readmeBlocks(program);
const labReadme = readFileSync('lab/README.md', 'utf8');
const labBlocks = labReadmeBlocks(program);

describe("the README's generated tables", () => {
  it('are what the schema, the CLI and the errors module say now (run `npm run docs` when this fails)', () => {
    expect(updateReadme(readme, blocks)).toBe(readme);
    expect(updateReadme(labReadme, labBlocks)).toBe(labReadme);
  });

  it('have a row for every command, every limit and every balancer kind', () => {
    for (const command of program.commands)
      expect(blocks.commands).toContain(`| \`session-chaos ${command.name()}`);
    expect(blocks.commands).toContain('`session-chaos run --profile <file> [flags]`');
    expect(blocks.commands).toContain('[--format table\\|json\\|junit\\|markdown\\|html]');
    expect(blocks.limits).toContain(`| \`traffic.users\` | ${limits.users.toLocaleString('en-US')} |`);
    expect(blocks.limits).toContain('| 16 MiB; and `traffic.users` x `target.maxBodyBytes` at most 8 GiB |');
    for (const command of program.commands.find((c) => c.name() === 'lab')?.commands ?? [])
      expect(labBlocks['lab-commands']).toContain(`- \`lab ${command.name()} `);
    expect(labBlocks['lab-commands']).toContain('`lab scale <id> out|in [--backend <ref>] [--json]`');
    for (const kind of balancerKinds) expect(labBlocks['balancer-families']).toContain(`\`${kind}\``);
  });

  it('list each profile field once, with what every form of an extractor takes', () => {
    const fields = profileFieldRows().map((row) => row.cells[0]);
    expect(fields.filter((field) => field === '`lab`')).toHaveLength(1);
    expect(new Set(fields).size).toBe(fields.length);
    const identity = profileFieldRows().find((row) => row.cells[0] === '`classify.identity`');
    expect(identity?.cells[2]).toContain(
      '`{ from: regex, pattern }` (pattern: A regex over the decoded body',
    );
  });

  it('have a row for every flag and variable of run, and every exit code', () => {
    for (const override of overrides) {
      expect(blocks['run-flags']).toContain(
        `| \`${override.flag}\` | \`${override.env}\` | \`${override.path}\``,
      );
    }
    for (const code of Object.values(ExitCode))
      expect(blocks['exit-codes']).toMatch(new RegExp(`^\\| ${code} \\| `, 'm'));
  });

  it('have a row for every findings rule, its bounds as the rule judges by them', () => {
    for (const rule of findingRules)
      expect(blocks.findings).toContain(`| \`${rule.id}\` (${rule.severity}) |`);
    expect(blocks.findings).toContain('mismatch rate ≥ 25% and switch rate ≥ 20%');
  });

  it('refuse a README whose markers are missing', () => {
    expect(() => updateReadme('# no markers\n', blocks)).toThrow(/no <!-- generated:commands/);
  });
});
