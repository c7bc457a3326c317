import { expressSession } from './apps.js';
import { nginxRoundRobinSuite, thirdPartySuite } from './suite.js';

/**
 * A stock express-session app (MemoryStore) on three instances, behind HAProxy and nginx: round robin loses
 * about 2/3 of the sessions, cookie insertion none. The app's own morgan log is the ground truth, request by
 * request.
 */

const users = 20;
const requests = 1200;

// What a newcomer writes from the README: the login form, the page to load, the password from the env.
const profile = `
target:
  url: "{target}"
auth:
  login:
    url: /signin
  credentials:
    username: "user{i}"
    password: "\${TP_PASSWORD}"
traffic:
  users: ${users}
  requests: ${requests}
  duration: 60s
  mix:
    - path: /account
`;

const suite = { app: expressSession, profile, users, requests, signedOut: '/signin' };
thirdPartySuite(suite);
nginxRoundRobinSuite(suite);
