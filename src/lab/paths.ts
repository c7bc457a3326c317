import { fileURLToPath } from 'node:url';

// This module sits two levels below the package root both as source (src/lab) and built (dist/lab).
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The bundled backend that `npm run build` writes (scripts/lab-bundle.mjs). */
export const backendBundlePath = `${packageRoot}dist/lab/backend.cjs`;

/** The CLI as installed (it runs dist/): the lab names it in the command that starts a backend again. */
export const cliPath = `${packageRoot}bin/session-chaos.js`;

/** The bundled built-in balancer (scripts/lab-bundle.mjs), run with Node when HAProxy and nginx are missing. */
export const balancerBundlePath = `${packageRoot}dist/lab/balancer.cjs`;

/** The bundled replication-link relay (scripts/lab-bundle.mjs) of the redis-sentinel store. */
export const relayBundlePath = `${packageRoot}dist/lab/relay.cjs`;
