// Bundles the lab's two server programs, each into one file with its dependencies: the backend (src/lab-backend/),
// so a FROM-scratch image needs only `node`, and the built-in balancer (src/lab-builtin-balancer/), which the lab
// runs with Node when HAProxy and nginx are missing.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

await build({
  entryPoints: {
    backend: fileURLToPath(new URL('../src/lab-backend/main.ts', import.meta.url)),
    balancer: fileURLToPath(new URL('../src/lab-builtin-balancer/main.ts', import.meta.url)),
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
