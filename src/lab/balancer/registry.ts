import { LabError } from '../../errors.js';
import type { BalancerFamily } from './family.js';
import { builtinFamily } from './records/builtin.js';
import { haproxyFamily } from './records/haproxy.js';
import { nginxFamily } from './records/nginx.js';

/** The one list of balancer families: a new balancer is one more record here. */
const records = [haproxyFamily, nginxFamily, builtinFamily] as const;

export type BalancerKind = (typeof records)[number]['kinds'][number];

// Each record is typed by its own kinds; as a list they are records of any kind (each is only asked about its own).
export const balancerFamilies = records as unknown as readonly BalancerFamily<BalancerKind>[];

export const balancerKinds: readonly BalancerKind[] = balancerFamilies.flatMap((family) => family.kinds);

/** The family a kind belongs to. */
export function familyOf(kind: BalancerKind): BalancerFamily<BalancerKind> {
  const family = balancerFamilies.find((candidate) => candidate.kinds.includes(kind));
  if (family === undefined) throw new LabError(`no balancer family has the kind ${kind}`);
  return family;
}

/** The built-in balancer that stands in for each kind whose program this machine lacks. */
export const builtinStandIns: Partial<Record<BalancerKind, BalancerKind>> = Object.assign(
  {},
  ...balancerFamilies.map((family) => family.standIns),
);
