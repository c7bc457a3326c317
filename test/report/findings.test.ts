import { describe, expect, it } from 'vitest';
import { backendHeaderAdvice } from '../../src/findings/advice.js';
import { serializeResult } from '../../src/report/formats.js';
import { renderHtml } from '../../src/report/html/render.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { parseResultText } from '../../src/report/read-result.js';
import { renderSummaryTable } from '../../src/report/table.js';
import { fixedResult, fixedSummary } from './fixtures.js';

/** The fixed run as a balancer that names no backend would give it: every answer's backend unknown. */
function unseenBackendResult() {
  const summary = fixedSummary();
  return fixedResult({
    summary: {
      ...summary,
      backendShare: {},
      counts: { ...summary.counts, unknownBackend: summary.counts.total },
    },
  });
}

describe('a finding with advice, in every report format', () => {
  const result = unseenBackendResult();
  const found = result.findings.find((entry) => entry.rule === 'stickiness-not-measured');

  it('is in the result document, with the header to add on each balancer', () => {
    expect(found?.advice).toEqual(backendHeaderAdvice);
    const read = parseResultText('result.json', serializeResult(result));
    expect(read.findings.find((entry) => entry.rule === 'stickiness-not-measured')?.advice).toEqual(
      backendHeaderAdvice,
    );
  });

  it('is shown under its sentence in the terminal report, line by line', () => {
    const lines = renderSummaryTable(result, { color: false }).split('\n');
    const at = lines.findIndex((line) => line.startsWith('info: Stickiness cannot be measured'));
    expect(at).toBeGreaterThan(lines.indexOf('Findings'));
    expect(lines.slice(at + 1, at + 1 + backendHeaderAdvice.length)).toEqual(
      backendHeaderAdvice.map((line) => `    ${line}`),
    );
  });

  it('is a code block inside the finding’s list item in Markdown', () => {
    const markdown = renderMarkdown(result);
    const block = ['  ```', ...backendHeaderAdvice.map((line) => `  ${line}`), '  ```'].join('\n');
    expect(markdown).toContain(`- info: Stickiness cannot be measured`);
    expect(markdown).toContain(`\n\n${block}`);
  });

  it('is in the JUnit output and the HTML page', () => {
    expect(renderJunit(result)).toContain('    HAProxy:  http-response set-header X-Served-By %s');
    const page = renderHtml(result);
    expect(page).toContain('<pre class="advice">HAProxy:  http-response set-header X-Served-By %s');
    expect(page).toContain('nginx:    add_header X-Served-By $upstream_addr always;');
  });
});
