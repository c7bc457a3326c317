// Bundles the lab backend into one file with its dependencies, so a FROM-scratch image needs only `node`.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

await build({
  entryPoints: [fileURLToPath(new URL('../src/lab/backend/main.ts', import.meta.url))],
  outfile: fileURLToPath(new URL('../dist/lab/backend.cjs', import.meta.url)),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: false,
  sourcemap: false,
  logLevel: 'warning',
});
