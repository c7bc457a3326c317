import { nodeRed } from './apps.js';
import { thirdPartySuite } from './suite.js';

/**
 * Node-RED's admin API (npm) on three instances, each holding the bearer tokens it issued in its own memory,
 * behind HAProxy: round robin loses about 2/3 of the sessions, cookie insertion none (the VU's jar keeps the
 * balancer's cookie beside its token). httpAdminMiddleware writes the ground truth, request by request.
 */

const users = 20;
const requests = 1200;

// What a newcomer writes from the README and Node-RED's docs: the token request, the settings to load.
const profile = `
target:
  url: "{target}"
auth:
  mode: bearer
  login:
    url: /auth/token
    fields:
      client_id: node-red-admin
      grant_type: password
      scope: "*"
      username: "{username}"
      password: "{password}"
    token:
      from: json
      path: access_token
  credentials:
    username: "user{i}"
    password: "\${TP_PASSWORD}"
traffic:
  users: ${users}
  requests: ${requests}
  duration: 60s
  mix:
    - path: /settings
`;

thirdPartySuite({ app: nodeRed, profile, users, requests, signedOut: '401' });
