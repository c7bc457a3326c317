import { describe, expect, it } from 'vitest';
import { detectBackendSign } from '../../src/controls/backend.js';

describe('backend identity signs', () => {
  it('takes a usual header present on every answer', () => {
    expect(detectBackendSign([{ 'x-served-by': 'a' }, { 'x-served-by': 'b' }])).toEqual({
      from: 'header',
      name: 'x-served-by',
    });
  });

  it('takes `server` only where it varies (a balancer names itself there too)', () => {
    expect(detectBackendSign([{ server: 'nginx' }, { server: 'nginx' }])).toBeUndefined();
    expect(detectBackendSign([{ server: 'app-1' }, { server: 'app-2' }])).toEqual({
      from: 'header',
      name: 'server',
    });
  });

  it("takes a balancer cookie, or Tomcat's jvmRoute suffix", () => {
    expect(detectBackendSign([{}, { 'set-cookie': ['AWSALB=xyz; Path=/'] }])).toEqual({
      from: 'cookie',
      name: 'AWSALB',
    });
    expect(detectBackendSign([{ 'set-cookie': 'JSESSIONID=8F3A.node2; Path=/' }])).toEqual({
      from: 'cookie',
      name: 'JSESSIONID',
      pattern: '\\.([^.]+)$',
    });
    expect(detectBackendSign([{ 'set-cookie': 'JSESSIONID=8F3A; Path=/' }])).toBeUndefined();
  });
});
