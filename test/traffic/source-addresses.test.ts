import { describe, expect, it } from 'vitest';
import { spreadSourceAddresses } from '../../src/traffic/source-addresses.js';

describe('spreadSourceAddresses', () => {
  it('varies the third octet first, so ip_hash sees distinct clients', () => {
    const { addresses, problems } = spreadSourceAddresses({ cidr: '127.0.0.0/8' }, 3, false);
    expect(problems).toEqual([]);
    expect(addresses).toEqual(['127.0.0.1', '127.0.1.1', '127.0.2.1']);
  });

  it('moves to the next last octet once the third octet is used up in a /16', () => {
    const { addresses } = spreadSourceAddresses({ cidr: '127.5.0.0/16', count: 258 }, 10, false);
    expect(addresses[255]).toBe('127.5.255.1');
    expect(addresses[256]).toBe('127.5.0.2');
    expect(new Set(addresses).size).toBe(258);
  });

  it('counts up the last octet in a /24 and masks a base that is not aligned', () => {
    expect(spreadSourceAddresses({ cidr: '127.0.9.77/24' }, 3, false).addresses).toEqual([
      '127.0.9.1',
      '127.0.9.2',
      '127.0.9.3',
    ]);
  });

  it('refuses addresses outside loopback unless allowed', () => {
    const refused = spreadSourceAddresses({ cidr: '10.0.0.0/16' }, 2, false);
    expect(refused.addresses).toEqual([]);
    expect(refused.problems[0]).toMatchObject({ path: 'traffic.sourceAddresses.cidr' });
    expect(refused.problems[0]?.message).toContain('--allow-non-loopback');
    expect(spreadSourceAddresses({ cidr: '10.0.0.0/16' }, 2, true).addresses).toEqual([
      '10.0.0.1',
      '10.0.1.1',
    ]);
    expect(spreadSourceAddresses({ cidr: '126.0.0.0/7' }, 2, false).problems).toHaveLength(1);
  });

  it('says when the range is too small', () => {
    const { problems } = spreadSourceAddresses({ cidr: '127.0.0.0/30' }, 5, false);
    expect(problems).toEqual([
      {
        path: 'traffic.sourceAddresses.count',
        message: '5 addresses do not fit in 127.0.0.0/30 (at most 2)',
      },
    ]);
  });
});
