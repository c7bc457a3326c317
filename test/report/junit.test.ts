import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.js';
import { snapshotResult } from './fixtures.js';

describe('the JUnit report', () => {
  it('has a test case per threshold (snapshot)', async () => {
    await expect(renderJunit(snapshotResult())).toMatchFileSnapshot('__snapshots__/junit.xml');
  });

  it('counts failures and escapes XML', () => {
    const xml = renderJunit(snapshotResult());
    expect(xml).toContain('<testsuites name="session-chaos" tests="6" failures="1" errors="0"');
    expect(xml).toContain('name="mismatchRate&lt;1%"');
    expect(xml).toContain('<failure message="loadSkew was 1.67; expected &lt; 1.5" type="threshold">');
    expect(xml.match(/<testcase /g)).toHaveLength(6);
  });

  it('adds an erroring run case when the run ended early', () => {
    const xml = renderJunit(
      snapshotResult({ earlyEnd: { kind: 'interrupted', message: 'interrupted by SIGINT' } }),
    );
    expect(xml).toContain('tests="7" failures="1" errors="1"');
    expect(xml).toContain('<error message="interrupted: interrupted by SIGINT" type="interrupted"/>');
  });
});
