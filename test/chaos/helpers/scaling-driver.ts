import type { ChaosDriver, ChaosTarget } from '../../../src/chaos/driver.js';

/**
 * A driver whose group is a list of names: scale-out adds b4, b5, ... (back after `backAfterChecks` isBack
 * calls), scale-in removes the member it is given. Every scale it is asked for is kept in `calls`, in order.
 */
export function scalingDriver(options: { backAfterChecks?: number; failIn?: string } = {}) {
  const calls: string[] = [];
  const members = ['b1', 'b2', 'b3'];
  const checks = new Map<string, number>();
  let next = members.length + 1;
  const driver: ChaosDriver = {
    name: 'fake',
    noun: 'member',
    listHint: 'the members',
    config: { fake: true },
    connect: async () => 'fake',
    resolve: async () => members.map((name) => ({ id: `id-${name}`, name })),
    act: async () => 'done',
    isBack: async (target) => {
      const seen = (checks.get(target.id) ?? 0) + 1;
      checks.set(target.id, seen);
      return seen > (options.backAfterChecks ?? 0);
    },
    restore: async () => ({ outcome: 'already-fine', state: 'running' }),
    scale: async ({ direction, member, commands }) => {
      calls.push(direction === 'out' ? `out ${commands?.out.join(' ')}` : `in ${member?.name}`);
      if (direction === 'in') {
        if (member === undefined) throw new Error('scale-in without a member');
        if (member.name === options.failIn) throw new Error(`cannot remove ${member.name}`);
        members.splice(members.indexOf(member.name), 1);
        return { member };
      }
      const added: ChaosTarget = { id: `id-b${next}`, name: `b${next}` };
      next++;
      members.push(added.name);
      return { member: added };
    },
    close: async () => undefined,
  };
  return { driver, calls, members };
}
