import type { Problem } from '../errors.js';

export interface SourceAddressSpec {
  cidr: string;
  count?: number | undefined;
}

function toInt(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function toAddress(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

const loopbackBase = toInt('127.0.0.0');

/**
 * Client addresses spread over a range so that the third octet changes first: nginx `ip_hash` hashes the
 * first three octets, so 127.0.0.1, 127.0.0.2, ... would all look like one client to it.
 * Returns the addresses or the problems with the spec (field paths under `traffic.sourceAddresses`).
 */
export function spreadSourceAddresses(
  spec: SourceAddressSpec,
  users: number,
  allowNonLoopback: boolean,
): { addresses: string[]; problems: Problem[] } {
  const field = 'traffic.sourceAddresses';
  const [base = '', prefixText = ''] = spec.cidr.split('/');
  const prefix = Number(prefixText);
  const octets = base.split('.').map(Number);
  if (octets.length !== 4 || octets.some((octet) => octet > 255) || prefix > 32) {
    return {
      addresses: [],
      problems: [{ path: `${field}.cidr`, message: `not an IPv4 CIDR: "${spec.cidr}"` }],
    };
  }
  const hostBits = 32 - prefix;
  const network = (toInt(base) & (hostBits === 32 ? 0 : ~((2 ** hostBits - 1) >>> 0))) >>> 0;
  const problems: Problem[] = [];
  const inLoopback = prefix >= 8 && (network & 0xff000000) >>> 0 === loopbackBase;
  if (!inLoopback && !allowNonLoopback) {
    problems.push({
      path: `${field}.cidr`,
      message: `${spec.cidr} is outside 127.0.0.0/8; pass --allow-non-loopback to use it`,
    });
  }
  // Above /24 the third octet can vary: stride over it (and the second) first, then the last octet.
  const stride = hostBits > 8 ? 2 ** (hostBits - 8) : 1;
  const perStride = hostBits > 8 ? 254 : Math.max(2 ** hostBits - 2, 1);
  const capacity = stride * perStride;
  const count = spec.count ?? users;
  if (count > capacity) {
    problems.push({
      path: `${field}.count`,
      message: `${count} addresses do not fit in ${spec.cidr} (at most ${capacity})`,
    });
  }
  if (problems.length > 0) return { addresses: [], problems };
  const addresses: string[] = [];
  for (let k = 0; k < count; k++) {
    const offset =
      hostBits > 8 ? (k % stride) * 256 + 1 + Math.floor(k / stride) : hostBits === 0 ? 0 : k + 1;
    addresses.push(toAddress((network + offset) >>> 0));
  }
  return { addresses, problems };
}
