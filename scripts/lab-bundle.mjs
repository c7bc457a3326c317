// Bundles the lab's three programs, each into one file with its dependencies: the backend (src/lab-backend/),
// so a FROM-scratch image needs only `node`; the built-in balancer (src/lab-builtin-balancer/), which the lab
// runs with Node when HAProxy and nginx are missing; and the relay of the redis-sentinel store's replication
// link (src/lab-relay/).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

await build({
  entryPoints: {
    backend: fileURLToPath(new URL('../src/lab-backend/main.ts', import.meta.url)),
    balancer: fileURLToPath(new URL('../src/lab-builtin-balancer/main.ts', import.meta.url)),
    relay: fileURLToPath(new URL('../src/lab-relay/main.ts', import.meta.url)),
  },
  outdir: fileURLToPath(new URL('../dist/lab/', import.meta.url)),
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: false,
  sourcemap: false,
  logLevel: 'warning',
});
