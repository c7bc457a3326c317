import { describe, expect, it } from 'vitest';
import { demoHtmlPath } from '../../src/demo/demo.js';

describe('the demo HTML report path', () => {
  it('is beside the JSON by default, else in this directory; --html names it, --no-html drops it', () => {
    expect(demoHtmlPath({ json: 'out/demo.json' })).toBe('out/demo.html');
    expect(demoHtmlPath({ json: 'out/demo' })).toBe('out/demo.html');
    expect(demoHtmlPath({ json: '-' })).toBe('session-chaos-demo.html');
    expect(demoHtmlPath({ html: true })).toBe('session-chaos-demo.html');
    expect(demoHtmlPath({ json: 'demo.json', html: 'page.html' })).toBe('page.html');
    expect(demoHtmlPath({ json: 'demo.json', html: false })).toBeUndefined();
  });
});
