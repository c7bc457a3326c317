import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { profileFieldRows, readmeBlocks, updateReadme } from '../../scripts/readme-docs.js';
import { newOutcome } from '../../src/cli/outcome.js';
import { buildProgram } from '../../src/cli/program.js';
import { ExitCode } from '../../src/errors.js';
import { findingRules } from '../../src/findings/rules.js';
import { overrides } from '../../src/profile/overrides.js';

const readme = readFileSync('README.md', 'utf8');
const blocks = readmeBlocks(buildProgram(newOutcome()));

describe("the README's generated tables", () => {
  it('are what the schema, the CLI and the errors module say now (run `npm run docs` when this fails)', () => {
    expect(updateReadme(readme, blocks)).toBe(readme);
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
    expect(() => updateReadme('# no markers\n', blocks)).toThrow(/no <!-- generated:profile-fields/);
  });
});
