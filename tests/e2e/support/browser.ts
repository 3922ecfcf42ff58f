/**
 * Debian's Chromium driven by playwright-core (no bundled browsers). Tests that need it use
 * describeBrowser: skipped with a message when /usr/bin/chromium is missing, a failure under
 * CI=true. Playwright starts Chromium with a fresh temporary --user-data-dir of its own, and
 * every test gets a new context (empty storage) at 1280x800.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { RESULTS_DIR } from './app.ts';

export const CHROMIUM = process.env.TUNEBENCH_CHROMIUM ?? '/usr/bin/chromium';
export const browserAvailable = fs.existsSync(CHROMIUM);

const isCI = process.env.CI === 'true' || process.env.CI === '1';
if (!browserAvailable) {
  const msg = `${CHROMIUM} is missing: browser tests are ${isCI ? 'FAILING (CI=true)' : 'skipped'} (install it with: apt-get install -y chromium)`;
  if (isCI) throw new Error(msg);
  console.warn(`\n[tunebench e2e] ${msg}\n`);
}

export const describeBrowser: typeof describe = (browserAvailable ? describe : describe.skip) as typeof describe;

export const VIEWPORT = { width: 1280, height: 800 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ]
  });
}

export async function newPage(browser: Browser, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: opts.colorScheme ?? 'light' });
  const page = await context.newPage();
  return { context, page };
}

/** Opens a page of the app and waits until it is hydrated (before that, clicks do nothing). */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForApp(page);
}

export async function waitForApp(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated !== undefined, null, { timeout: 30_000 });
}

/** Saves a screenshot under test-results/e2e/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(RESULTS_DIR, 'e2e', `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  return file;
}
