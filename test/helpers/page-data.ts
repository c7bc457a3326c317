import { pageDataId } from '../../src/report/html/palette.js';
import type { PageData } from '../../src/report/html/series.js';

/** The data an HTML report page embeds for its script, read back out of the page's text. */
export function embeddedPageData(page: string): PageData {
  const match = page.match(
    new RegExp(`<script type="application/json" id="${pageDataId}">(.*?)</script>`, 's'),
  );
  if (match?.[1] === undefined) throw new Error('the page embeds no data');
  return JSON.parse(match[1]) as PageData;
}
