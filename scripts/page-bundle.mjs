// Bundles the HTML report's script with uPlot (and its styles with the page's) into dist/report-page/, which
// the renderer inlines into every page: the report opens offline and loads nothing.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

await build({
  entryPoints: { page: fileURLToPath(new URL('../src/report/html/page/main.ts', import.meta.url)) },
  outdir: fileURLToPath(new URL('../dist/report-page/', import.meta.url)),
  bundle: true,
  platform: 'browser',
  target: 'es2020',
  format: 'iife',
  minify: true,
  legalComments: 'inline',
  sourcemap: false,
  logLevel: 'warning',
});
