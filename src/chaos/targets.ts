import type { ChaosSelector } from '../profile/schema/chaos.js';

const selectorKeys = ['name', 'id', 'label', 'pid', 'pidFile', 'port'] as const;

/** `label=session-chaos.role=backend name=backend-*`: a selector as messages and the dry run show it. */
export function describeSelector(selector: ChaosSelector): string {
  return selectorKeys
    .filter((key) => selector[key] !== undefined)
    .map((key) => {
      const value = selector[key];
      return `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`;
    })
    .join(' ');
}
