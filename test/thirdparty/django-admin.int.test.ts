import { djangoAdmin } from './apps.js';
import { thirdPartySuite } from './suite.js';

/**
 * Django's admin (Debian's python3-django) on three instances, sessions in each process's LocMemCache, behind
 * HAProxy: round robin loses about 2/3 of the sessions, cookie insertion none. The admin's login is a form
 * with a CSRF token (auth.login.prepare). Django's logging config writes the ground truth, request by request.
 */

const users = 20;
const requests = 1200;

// What a newcomer writes from the README: the admin's login form with its CSRF token, the admin's index.
const profile = `
target:
  url: "{target}"
auth:
  login:
    url: /admin/login/
    prepare:
      url: /admin/login/
      extract:
        - name: csrf
          from: body
          pattern: 'name="csrfmiddlewaretoken" value="([^"]+)"'
    fields:
      username: "{username}"
      password: "{password}"
      csrfmiddlewaretoken: "{csrf}"
      next: /admin/
  credentials:
    username: "user{i}"
    password: "\${TP_PASSWORD}"
traffic:
  users: ${users}
  requests: ${requests}
  duration: 60s
  mix:
    - path: /admin/
`;

thirdPartySuite({ app: djangoAdmin, profile, users, requests, signedOut: '/admin/login/' });
