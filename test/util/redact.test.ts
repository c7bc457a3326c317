import { describe, expect, it } from 'vitest';
import { redact, secretForms } from '../../src/util/redact.js';

const password = `p@ss w%rd+&"é/\\:'<>`;

describe('redact', () => {
  it('removes every occurrence of every secret, the longer first', () => {
    expect(redact('pw=abc token=abcdef abc', ['abc', 'abcdef'])).toBe(
      'pw=[redacted] token=[redacted] [redacted]',
    );
  });

  it('ignores empty secrets', () => {
    expect(redact('text', [''])).toBe('text');
  });

  it.each([
    ['raw', password],
    ['URL-encoded with %20', encodeURIComponent(password)],
    ['URL-encoded with +', encodeURIComponent(password).replace(/%20/g, '+')],
    ['URL-encoded with lowercase hex', encodeURIComponent(password).toLowerCase()],
    ['form-encoded', new URLSearchParams({ password }).toString().slice('password='.length)],
    ['JSON-escaped', JSON.stringify(password).slice(1, -1)],
    ['JSON-escaped as ASCII', '"p@ss w%rd+&\\"\\u00e9\\/\\\\:\'<>"'.slice(1, -1)],
    ['HTML-escaped', 'p@ss w%rd+&amp;&quot;é/\\:&#39;&lt;&gt;'],
  ])('removes the secret %s', (_name, form) => {
    expect(redact(`before ${form} after`, [password])).toBe('before [redacted] after');
  });

  it.each(['u', 'us', 'use'])(
    'removes the secret from Basic auth of user "%s", whatever its alignment',
    (user) => {
      const token = Buffer.from(`${user}:${password}`).toString('base64');
      const redacted = redact(`authorization: Basic ${token}`, [password]);
      expect(redacted).toContain('[redacted]');
      // What is left of the token decodes to no more than a byte or two of the password.
      const left = redacted.replace('authorization: Basic ', '').split('[redacted]');
      for (const piece of left) expect(piece.length).toBeLessThanOrEqual(8);
    },
  );

  it('lists each form once', () => {
    const forms = secretForms('plain');
    expect(new Set(forms).size).toBe(forms.length);
  });
});
