import { describe, expect, it } from 'vitest';
import { redact } from '../../src/util/redact.js';

describe('redact', () => {
  it('removes every occurrence of every secret, the longer first', () => {
    expect(redact('pw=abc token=abcdef abc', ['abc', 'abcdef'])).toBe(
      'pw=[redacted] token=[redacted] [redacted]',
    );
  });

  it('ignores empty secrets', () => {
    expect(redact('text', [''])).toBe('text');
  });
});
