// Makes docs/report.png, the README's picture of the HTML report, from a demo page, with the browser helper
// the browser test uses: `npx tsx scripts/readme-screenshot.ts demo.html docs/report.png`. It keeps the
// comparison and the sticky-cookie strategy (its restart is the band) and leaves the other sections out,
// so that the picture stays readable at the README's width.
import { resolve } from 'node:path';
import { openInChromium } from '../test/helpers/browser.js';

const [page = 'demo.html', out = 'docs/report.png'] = process.argv.slice(2);
const opened = await openInChromium(resolve(page), { width: 1100, height: 800 });
try {
  if (opened.errors.length > 0) throw new Error(`the page logged errors: ${opened.errors.join('; ')}`);
  await opened.page.addStyleTag({
    content: '.run:not(#run-1), #run-1 .charts ~ section.table, details { display: none !important; }',
  });
  await opened.page.screenshot({ path: out, fullPage: true });
} finally {
  await opened.close();
}
