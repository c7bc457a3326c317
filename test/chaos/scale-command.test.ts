import { describe, expect, it } from 'vitest';
import { commandScale } from '../../src/chaos/scale-command.js';
import type { ChaosSelector } from '../../src/profile/schema/chaos.js';

const node = process.execPath;
const resolved: ChaosSelector[] = [];
const scale = commandScale(
  {
    noun: 'process',
    resolve: async (selector) => {
      resolved.push(selector);
      return selector.port === 9
        ? []
        : [{ id: `port:${String(selector.port)}`, name: `:${String(selector.port)}` }];
    },
  },
  (member) => member.id.replace('port:', ''),
);
const printing = (...lines: string[]) => [
  node,
  '-e',
  lines.map((l) => `console.log(${JSON.stringify(l)});`).join(''),
];

describe('commandScale', () => {
  it('scale-out: resolves the member the last {"target": ...} line of the command names', async () => {
    const result = await scale({
      direction: 'out',
      commands: {
        out: printing(
          'starting b4',
          '{"target":{"port":1}}',
          '{"name":"b4","target":{"port":41234}}',
          'done',
        ),
        in: ['true'],
      },
      timeoutMs: 10_000,
    });
    expect(result.member).toEqual({ id: 'port:41234', name: ':41234' });
    expect(resolved.at(-1)).toEqual({ port: 41234 });
    expect(result.exec?.exitCode).toBe(0);
  });

  it('scale-in: runs the in command with {target} replaced by the driver’s name for the member', async () => {
    const member = { id: 'port:41002', name: ':41002' };
    const result = await scale({
      direction: 'in',
      member,
      commands: { out: ['true'], in: [node, '-e', 'console.log(process.argv[1])', 'remove={target}'] },
      timeoutMs: 10_000,
    });
    expect(result.member).toBe(member);
    expect(result.exec?.stdout.trim()).toBe('remove=41002');
  });

  it('fails with what went wrong: an exit, no target line, a target that matches nothing', async () => {
    const request = (out: string[]) => ({
      direction: 'out' as const,
      commands: { out, in: ['true'] },
      timeoutMs: 10_000,
    });
    await expect(
      scale(request([node, '-e', 'console.error("no lab 1a2b"); process.exit(2)'])),
    ).rejects.toThrow(/^scale-out command .* failed: exit 2: no lab 1a2b$/);
    await expect(scale(request(printing('{"name":"b4"}')))).rejects.toThrow(
      /printed no line \{"target": <selector>\} naming the process it added/,
    );
    await expect(scale(request(printing('{"target":{"port":9}}')))).rejects.toThrow(
      'the scale-out command named {"port":9}, which matches no process',
    );
  });
});
