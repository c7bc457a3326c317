import { expect } from 'vitest';
import type { ActionRecord } from '../../../src/chaos/journal.js';
import type { Lab } from '../../../src/lab/index.js';
import type { ProfileInput } from '../../../src/profile/schema/index.js';
import type { RunResult } from '../../../src/run/run.js';
import type { CollectingSink } from '../../helpers/engine-fixtures.js';

/** The traffic of the chaos claims on a lab: 30 users for 7 s, the chaos 2 s in. */
export const chaosTraffic = { users: 30, duration: '7s', thinkTime: '40ms' } as const;

/** Cookie logins with the lab's password. */
export const labAuth = (lab: Lab): ProfileInput['auth'] => ({ credentials: { password: lab.password } });

/** A run under cookie stickiness whose users are read from /me's JSON, with this chaos. */
export function stickyRun(lab: Lab, chaos: ProfileInput['chaos']): Omit<ProfileInput, 'target'> {
  return {
    auth: labAuth(lab),
    classify: { identity: { from: 'json', path: 'user' } },
    traffic: chaosTraffic,
    chaos,
  };
}

export function planned(journal: { actions: ActionRecord[] } | undefined): ActionRecord[] {
  return (journal?.actions ?? []).filter((action) => action.origin === 'planned');
}

/** Each VU's backend before the chaos: the backend of its last response before the action was issued. */
export function pinsBefore(sink: CollectingSink, at: number): Map<number, string> {
  const pins = new Map<number, string>();
  for (const { record, classification } of sink.responses) {
    if (record.end < at && classification.class === 'ok') pins.set(record.vu, classification.backend);
  }
  return pins;
}

export function reloginsByVu(sink: CollectingSink): Map<number, number> {
  const counts = new Map<number, number>();
  for (const login of sink.logins) {
    if (login.cause !== 'initial') counts.set(login.vu, (counts.get(login.vu) ?? 0) + 1);
  }
  return counts;
}

/**
 * The claim of a restarted memory backend under cookie stickiness: the VUs pinned to it lose their session
 * and log in again, once each, and only they mismatch; the others never notice. The impact row says so.
 */
export function expectOnlyItsVusRelogin(
  { sink, result }: { sink: CollectingSink; result: RunResult },
  restart: ActionRecord | undefined,
  backend: string,
): void {
  const pins = pinsBefore(sink, restart?.issuedMs ?? 0);
  expect(pins.size).toBe(chaosTraffic.users);
  const pinned = [...pins].filter(([, name]) => name === backend).map(([vu]) => vu);
  const others = [...pins.keys()].filter((vu) => !pinned.includes(vu));
  expect(pinned.length).toBeGreaterThan(0);
  const relogins = reloginsByVu(sink);
  expect(pinned.map((vu) => relogins.get(vu) ?? 0)).toEqual(pinned.map(() => 1));
  expect(others.map((vu) => relogins.get(vu) ?? 0)).toEqual(others.map(() => 0));
  const mismatchVus = new Set(
    sink.responses.filter((r) => r.classification.class === 'mismatch').map((r) => r.record.vu),
  );
  expect([...mismatchVus].every((vu) => pinned.includes(vu))).toBe(true);
  expect(result.summary.counts.classes.wrong_user).toBe(0);
  const impact = result.summary.impact.find((i) => i.id === 'chaos-1');
  expect(impact?.relogins).toBe(pinned.length);
  expect(impact?.vusAffected).toBe(pinned.length);
}
