import { describe, expect, it } from 'vitest';
import { carriesCsrfField, describeAnswer, explainBody } from '../../src/controls/evidence.js';
import { probeLoginError } from '../../src/controls/probe-error.js';
import { createVirtualUser } from '../../src/traffic/virtual-user.js';
import { profileFor } from '../helpers/engine-fixtures.js';
import { loginRecord } from '../helpers/records.js';

const djangoPage =
  '<html><head><title>Log in | Django site admin</title></head><body><p class="errornote">Please enter the correct username and password for a staff account.</p><form><input type="hidden" name="csrfmiddlewaretoken" value="abc"></form></body></html>';

describe('evidence', () => {
  it('shows the part of a body that explains it: the title and the error text, or a JSON error', () => {
    expect(explainBody(djangoPage)).toBe(
      'title "Log in | Django site admin", error "Please enter the correct username and password for a staff account."',
    );
    expect(explainBody('{"error":"invalid credentials"}')).toBe('error "invalid credentials"');
    expect(explainBody('')).toBe('(empty body)');
    expect(explainBody('plain text')).toBe('"plain text"');
  });

  it('blanks every secret', () => {
    const lines = describeAnswer(
      { request: 'POST /login', status: 401, body: '{"error":"bad password hunter2"}' },
      ['hunter2'],
    );
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(lines[0]).toBe('POST /login -> 401');
  });

  it('finds a CSRF field', () => {
    expect(carriesCsrfField(djangoPage)).toBe(true);
    expect(carriesCsrfField('<meta name="csrf-token" content="x">')).toBe(true);
    expect(carriesCsrfField('<input name="password">')).toBe(false);
  });

  it('the probe-login error shows the page and hints at auth.login.prepare where it carries a CSRF field', () => {
    const profile = profileFor('http://127.0.0.1:1', { auth: { credentials: { password: 'hunter2' } } });
    const probe = createVirtualUser(1, { username: 'user1', password: 'hunter2' }, 1);
    const error = probeLoginError(
      probe,
      {
        record: loginRecord({ outcome: 'login_failed', reason: 'status 403' }),
        detail: { url: 'http://127.0.0.1:1/admin/login/', status: 403, setCookies: [], body: djangoPage },
      },
      profile.auth,
      [],
    );
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('POST http://127.0.0.1:1/admin/login/ -> status 403');
    expect(error.message).toContain('title "Log in | Django site admin"');
    expect(error.hint).toContain('auth.login.prepare');
  });
});
