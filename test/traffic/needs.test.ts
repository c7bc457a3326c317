import { describe, expect, it } from 'vitest';
import { classifySchema } from '../../src/profile/schema/classify.js';
import { responseNeeds } from '../../src/traffic/needs.js';

describe('responseNeeds', () => {
  it('reads only the backend header and location by default', () => {
    expect(responseNeeds(classifySchema.parse({}))).toEqual({
      headers: ['location', 'x-backend-id'],
      cookies: [],
      body: false,
    });
  });

  it('adds cookies and the body when the rules read them', () => {
    const rules = classifySchema.parse({
      backend: { from: 'cookie', name: 'SERVERID' },
      identity: { from: 'json', path: 'user' },
    });
    expect(responseNeeds(rules)).toEqual({ headers: ['location'], cookies: ['SERVERID'], body: true });
    expect(responseNeeds(classifySchema.parse({ loggedOut: { bodyPattern: 'Sign in' } })).body).toBe(true);
  });
});
