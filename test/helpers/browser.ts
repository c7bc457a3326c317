import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium (scripts/lab-setup.sh installs it); playwright-core drives it and downloads nothing. */
const chromiumPath = '/usr/bin/chromium';

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions, in order. */
  errors: string[];
  /** Every URL the page asked for, the page's own included. */
  requests: string[];
  close(): Promise<void>;
}

/** Opens a file in a fresh headless chromium profile, recording console errors and every request. */
export async function openInChromium(
  file: string,
  viewport = { width: 1200, height: 900 },
): Promise<OpenedPage> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${chromiumPath} is missing: install Debian's chromium (scripts/lab-setup.sh does, as root)`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'session-chaos-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    viewport,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  context.on('request', (request) => requests.push(request.url()));
  await page.goto(`file://${file}`);
  // The test project has no DOM types: what runs in the page is given as text.
  await page.waitForFunction("document.documentElement.dataset.drawn === 'true'", null, { timeout: 20_000 });
  return {
    page,
    errors,
    requests,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
