/**
 * The workbench shell in a real browser: navigation, both themes at 1280x800, the persisted theme
 * toggle (applied before any app script runs), keyboard use, and a light first paint.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startApp, tempWorkspace, type RunningApp } from './support/app.ts';
import { importGenerated } from './support/dataset.ts';
import { describeBrowser, launchBrowser, newPage, openApp, screenshot, waitForApp } from './support/browser.ts';

const NAV_LABELS = ['Datasets', 'SQL', 'Pipelines', 'Runs', 'Compare', 'Playground', 'Models'];
const DARK_BG = 'rgb(20, 22, 27)'; // --bg in styles/tokens.css
const LIGHT_BG = 'rgb(255, 255, 255)';

describeBrowser('workbench shell', () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    const ws = tempWorkspace();
    await importGenerated(ws, 'tickets', 10); // the SQL page then has a search field for "/"
    app = await startApp({ workspace: ws });
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const htmlBackground = () => getComputedStyle(document.documentElement).backgroundColor;

  it('renders the navigation in the light and the dark theme at 1280x800', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await newPage(browser, { colorScheme: scheme });
      await openApp(page, `${app.url}/`);
      const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
      expect(await links.allTextContents()).toEqual(NAV_LABELS);
      expect(await page.evaluate(htmlBackground)).toBe(scheme === 'dark' ? DARK_BG : LIGHT_BG);
      // Nothing spills sideways at this size.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
      await screenshot(page, `shell-${scheme}`);
      await context.close();
    }
  });

  it('remembers the theme toggle and applies it before the app script runs', async () => {
    const { context, page } = await newPage(browser, { colorScheme: 'light' });
    await openApp(page, `${app.url}/`);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.evaluate(() => localStorage.getItem('tunebench.theme'))).toBe('dark');
    expect(await page.evaluate(htmlBackground)).toBe(DARK_BG);

    // Reload with every app script blocked: only the inline head script can have set the theme,
    // so the first paint is already dark.
    await page.route('**/_app/immutable/**/*.js', (route) => route.abort());
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.evaluate(htmlBackground)).toBe(DARK_BG);
    await page.unroute('**/_app/immutable/**/*.js');

    await page.reload();
    await waitForApp(page);
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await page.evaluate(() => localStorage.getItem('tunebench.theme'))).toBe('light');
    expect(await page.evaluate(htmlBackground)).toBe(LIGHT_BG);
    await context.close();
  });

  it('works from the keyboard: skip link, focus ring, "g" shortcuts, "/" and "?"', async () => {
    const { context, page } = await newPage(browser);
    await openApp(page, `${app.url}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
    const box = await page.evaluate(() => document.activeElement!.getBoundingClientRect().top);
    expect(box).toBeGreaterThanOrEqual(0); // visible when focused
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    // A visible focus ring on links reached with Tab.
    await page.evaluate(() => (document.querySelector('.brand') as HTMLElement).focus());
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { text: el.textContent?.trim(), outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused).toEqual({ text: 'Datasets', outline: 'solid' });

    await page.evaluate(() => (document.activeElement as HTMLElement).blur());
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    await page.waitForURL(`${app.url}/sql`);
    await page.getByRole('searchbox').waitFor();
    await waitForApp(page);
    await page.keyboard.press('/');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('search');

    await page.evaluate(() => (document.activeElement as HTMLElement).blur());
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Go to Datasets');
    await screenshot(page, 'shortcuts');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await page.keyboard.press('g');
    await page.keyboard.press('d');
    await page.waitForURL(`${app.url}/datasets`);
    await context.close();
  });

  it('paints the start page within a second and loads no editor or SQL engine for it', async () => {
    const { context, page } = await newPage(browser);
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${app.url}/`, { waitUntil: 'load' });
    const fcp = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const hit = performance.getEntriesByName('first-contentful-paint')[0];
          if (hit) return resolve(hit.startTime);
          new PerformanceObserver((list) => resolve(list.getEntries()[0].startTime)).observe({ type: 'paint', buffered: true });
        })
    );
    expect(fcp).toBeGreaterThan(0);
    expect(fcp).toBeLessThan(1000);
    expect(requested.filter((u) => /duckdb|editor\.worker|codicon|\.wasm/.test(u))).toEqual([]);
    await context.close();
  });
});
