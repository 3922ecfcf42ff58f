/**
 * The shared components in a real browser, outside any page: a test-only gallery
 * (tests/e2e/harness) built with Vite and served by a small server that also streams SSE. Covers
 * what server rendering cannot: chart zoom, tooltips and live data, tab keys, the editor's
 * language-services door (diagnostics appear and disappear, hover, go to definition, format),
 * and useSse's life cycle.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { svelte, vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { repoRoot } from '../../scripts/build-if-needed.js';
import { serveFile } from '../../src/lib/server/serve-file.ts';
import { sseResponse } from '../../src/lib/server/sse.ts';
import { RESULTS_DIR } from './support/app.ts';
import { describeBrowser, launchBrowser, newPage, screenshot } from './support/browser.ts';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.ttf': 'font/ttf' };

describeBrowser('shared components in the browser', () => {
  const out = path.join(RESULTS_DIR, `.harness-${process.pid}`);
  let server: http.Server;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    await build({
      configFile: false,
      root: path.join(repoRoot, 'tests/e2e/harness'),
      base: './',
      logLevel: 'error',
      plugins: [svelte({ preprocess: vitePreprocess(), compilerOptions: { runes: true } })],
      resolve: { alias: { $lib: path.join(repoRoot, 'src/lib') } },
      build: { outDir: out, emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 10_000 }
    });
    server = http.createServer(async (req, res) => {
      const url = new URL(req.url!, 'http://x');
      const request = new Request(`http://x${req.url}`, { headers: req.headers as Record<string, string> });
      let response: Response;
      if (url.pathname === '/events') {
        response = sseResponse(request, async ({ send }) => {
          for (let n = 1; n <= 5; n++) {
            send({ event: 'tick', data: { n }, id: n });
            await new Promise((r) => setTimeout(r, 20));
          }
          send({ event: 'end', data: null });
        });
      } else {
        const file = path.join(out, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname));
        response = file.startsWith(out) && fs.existsSync(file) ? await serveFile(request, file, { contentType: TYPES[path.extname(file)] }) : new Response('not found', { status: 404 });
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(res);
      else res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    ({ context, page } = await newPage(browser));
    await page.goto(`${base}/`);
    await page.locator('.editor[data-ready="true"]').waitFor({ timeout: 30_000 });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    fs.rmSync(out, { recursive: true, force: true });
  });

  const xTicks = () => page.locator('section[aria-label="line chart"] svg > g > g').first().locator('text').allTextContents();

  it('LineChart: tooltip, keyboard zoom that holds while live points arrive, reset', async () => {
    const chart = page.locator('section[aria-label="line chart"]');
    const plot = chart.locator('rect.overlay');
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = chart.locator('.tooltip');
    await tip.waitFor();
    expect(await tip.innerText()).toMatch(/step \d+\s+train loss\s*[\d.]+\s+valid loss\s*[\d.]+/);
    await page.mouse.move(0, 0);

    const before = await xTicks();
    expect(before.at(-1)).toBe('step');
    await plot.focus();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await chart.getByRole('button', { name: 'Reset zoom' }).waitFor();
    const zoomed = await xTicks();
    expect(zoomed).not.toEqual(before);
    await chart.getByRole('button', { name: 'Append 100' }).click();
    await page.waitForTimeout(100);
    expect(await xTicks()).toEqual(zoomed); // the view holds while data arrives
    await plot.focus();
    await page.keyboard.press('ArrowRight'); // pan
    expect(await xTicks()).not.toEqual(zoomed);
    await chart.getByRole('button', { name: 'Reset zoom' }).click();
    const all = await xTicks();
    expect(Number(all[all.length - 2].replace(/,/g, ''))).toBeGreaterThan(Number(before[before.length - 2].replace(/,/g, ''))); // new points in view
    // Hiding a series from the legend removes its line.
    expect(await chart.locator('svg path[stroke-dasharray="5 4"]').count()).toBe(1);
    await chart.getByRole('button', { name: 'valid loss' }).click();
    expect(await chart.locator('svg path[stroke-dasharray="5 4"]').count()).toBe(0);
    await screenshot(page, 'components-chart');
  });

  it('Histogram: hovering a bar tells its range and count', async () => {
    const bar = page.locator('section[aria-label="histogram"] rect').first();
    await bar.hover();
    expect(await page.locator('section[aria-label="histogram"] .tip').innerText()).toMatch(/^0–1: \d+ \(\d+\.\d%\)$/);
  });

  it('Tabs: arrow keys move between tabs and skip disabled ones', async () => {
    const one = page.getByRole('tab', { name: 'One' });
    await one.focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Two' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByRole('tabpanel').innerText()).toBe('Panel two');
    await page.keyboard.press('ArrowRight'); // "Three" is disabled: wraps to One
    expect(await one.getAttribute('aria-selected')).toBe('true');
  });

  it('editor language door: a mistake shows as a diagnostic and goes away; hover, definition and format work', async () => {
    const editor = page.getByRole('textbox', { name: 'Toy source' });
    const problems = page.getByRole('list', { name: 'Problems' });
    await editor.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('bad');
    await page.locator('.editor .squiggly-error').first().waitFor({ timeout: 10_000 });
    await problems.getByRole('listitem').filter({ hasText: "3:1 error 'bad' is not allowed here" }).waitFor();
    await screenshot(page, 'components-editor-diagnostic');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
    await page.waitForFunction(() => document.querySelectorAll('.editor .squiggly-error').length === 0, null, { timeout: 10_000 });
    expect(await problems.getByRole('listitem').count()).toBe(0);

    // Hover a keyword.
    const keyword = page.locator('.editor .view-line').first().locator('span span').first();
    await keyword.hover();
    await page.locator('.monaco-hover').filter({ hasText: 'def keyword docs' }).waitFor({ timeout: 10_000 });
    await page.mouse.move(0, 0);

    // Go to definition from "use alpha" (F12 with the cursor on alpha) lands on line 1.
    await editor.focus();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('F12');
    const activeLine = () => page.evaluate(() => document.querySelector('.editor .line-numbers.active-line-number')?.textContent?.trim());
    await page.waitForFunction(() => document.querySelector('.editor .line-numbers.active-line-number')?.textContent?.trim() === '1', null, { timeout: 10_000 }).catch(() => {});
    expect(await activeLine()).toBe('1');

    // Format Document (from the command palette: its key differs per platform) through the format service.
    await page.keyboard.press('Control+Home');
    await page.keyboard.insertText('DEF beta\n');
    await page.keyboard.press('F1');
    await page.keyboard.insertText('Format Document');
    await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'Format Document' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('output[aria-label="Source"]')?.textContent?.startsWith('def beta'), null, { timeout: 10_000 });
  });

  it('useSse: receives typed events, then closes on end', async () => {
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.waitForFunction(() => document.querySelector('output[aria-label="Stream status"]')?.textContent === 'closed' && document.querySelector('output[aria-label="Received"]')?.textContent !== '', null, { timeout: 10_000 });
    expect(await page.locator('output[aria-label="Received"]').innerText()).toBe('1,2,3,4,5');
  });
});
