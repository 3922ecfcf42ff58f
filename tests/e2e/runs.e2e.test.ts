/**
 * The runs list with 100+ runs in the store: first paint under a second, filters by status,
 * pipeline and text (kept in the URL), keyboard selection into a comparison, and the empty
 * states that say what to do. The runs are real: two tiny data-only pipelines run 70 and 30
 * times through the engine (after the first run of each, every stage is a cache hit, so 100 runs
 * take a few seconds), plus one run cancelled before it started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, tempWorkspace, type RunningApp } from './support/app.ts';
import { describeBrowser, launchBrowser, newPage, openApp, screenshot } from './support/browser.ts';
import { REPO_ROOT } from '../support/shared.ts';
import { openWorkspace } from '../../src/engine/workspace.ts';
import { runPipeline } from '../../src/engine/runs/index.ts';

const CLEAN = `pipeline clean_small
dataset t from "datasets/support.jsonl" format openai
stage c from t { filter turns >= 1 }
split c into train 80%, test 20% seed 1
`;
const BILLING = `pipeline billing_only
dataset t from "datasets/support.jsonl" format openai
stage b from t { filter intent = "billing" }
`;

describeBrowser('runs list: 100+ runs, filters, keyboard, empty states', () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let cancelled = '';

  beforeAll(async () => {
    dir = tempWorkspace();
    fs.mkdirSync(path.join(dir, 'datasets'), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, 'datasets', 'support.jsonl'), path.join(dir, 'datasets', 'support.jsonl'));
    app = await startApp({ workspace: dir });
    browser = await launchBrowser();
    ({ context, page } = await newPage(browser));
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.stop();
  });

  it('says what to do when there are no runs yet', async () => {
    await openApp(page, `${app.url}/runs`);
    const empty = page.getByRole('region', { name: 'No runs yet' });
    await empty.waitFor();
    expect(await empty.innerText()).toContain('tunebench run pipelines/clean-support.ftp');
    await screenshot(page, 'runs-empty');
    await openApp(page, `${app.url}/compare`);
    await page.getByRole('region', { name: 'Nothing to compare yet' }).waitFor();
  });

  it('paints the runs list, a run and the compare page in under a second with 101 runs', async () => {
    const ws = await openWorkspace(dir);
    const t0 = Date.now();
    for (let i = 0; i < 70; i++) await runPipeline(ws, { source: CLEAN, file: 'pipelines/clean-small.ftp' }, { origin: 'test' });
    for (let i = 0; i < 30; i++) await runPipeline(ws, { source: BILLING, file: 'pipelines/billing.ftp' }, { origin: 'test' });
    cancelled = (await runPipeline(ws, { source: BILLING, file: 'pipelines/billing.ftp' }, { origin: 'test', signal: AbortSignal.abort('stopped by the test') })).runId;
    console.log(`[runs e2e] 101 runs made in ${Date.now() - t0} ms`);

    // First contentful paint of each page with 101 runs in the store, three loads each (the median counts).
    const oldest = fs.readdirSync(path.join(dir, '.tunebench', 'runs')).sort()[0];
    for (const [pathname, ready] of [
      ['/runs', 'table'],
      [`/runs/${oldest}`, 'tablist'],
      ['/compare', 'region']
    ] as const) {
      const paints: number[] = [];
      for (let k = 0; k < 3; k++) {
        const { context: c, page: p } = await newPage(browser);
        await p.goto(`${app.url}${pathname}`);
        await p.getByRole(ready).first().waitFor();
        paints.push(await p.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN));
        if (pathname === '/runs') expect(await p.locator('tbody tr').count()).toBe(101);
        await c.close();
      }
      console.log(`[runs e2e] first contentful paint of ${pathname} with 101 runs: ${paints.map((x) => x.toFixed(0)).join(', ')} ms`);
      expect([...paints].sort((a, b) => a - b)[1]).toBeLessThan(1000);
    }
    await openApp(page, `${app.url}/runs`);
    await screenshot(page, 'runs-list');
  });

  it('filters by status, pipeline and text, and keeps the filter in the URL', async () => {
    const rows = page.locator('tbody tr');
    await page.getByLabel('Status').selectOption('cancelled');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-run')).toBe(cancelled);
    expect(new URL(page.url()).searchParams.get('status')).toBe('cancelled');
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Pipeline').selectOption('billing_only');
    await expect.poll(() => rows.count()).toBe(31);
    await page.getByLabel('Pipeline').selectOption('');
    // "/" focuses the search
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('run-search');
    await page.keyboard.type(cancelled.slice(-6));
    await expect.poll(() => rows.count()).toBe(1);
    // A reload keeps the filter.
    await openApp(page, page.url());
    expect(await page.getByRole('searchbox', { name: 'Search runs' }).inputValue()).toBe(cancelled.slice(-6));
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Search runs' }).fill('no such run');
    await page.getByText('No run matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear the filters' }).click();
    await expect.poll(() => rows.count()).toBe(101);
  });

  it('moves through runs with j/k, ticks with x, compares with c, and shows why these runs cannot be compared', async () => {
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    await page.keyboard.press('j');
    const ids = await page.locator('tbody tr').evaluateAll((trs) => trs.slice(0, 3).map((tr) => tr.getAttribute('data-run')!));
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-run-link'))).toBe(ids[0]);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-run-link'))).toBe(ids[1]);
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    expect(await page.getByRole('checkbox', { checked: true }).count()).toBe(2);
    await page.keyboard.press('c');
    await page.waitForURL(/\/compare\?runs=/);
    // The older ticked run is the baseline.
    expect(new URL(page.url()).searchParams.get('runs')).toBe(`${ids[2]},${ids[1]}`);
    const alert = page.getByRole('alert').filter({ hasText: 'Cannot compare these' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('has no eval stage');
    await screenshot(page, 'compare-error');
  });

  it('shows a data-only run with empty states on its training and evaluation tabs, in the dark theme', async () => {
    const { context: dark, page: p } = await newPage(browser, { colorScheme: 'dark' });
    const id = fs.readdirSync(path.join(dir, '.tunebench', 'runs')).sort()[0]; // the oldest: ran every stage
    await openApp(p, `${app.url}/runs/${id}`);
    const timeline = p.getByRole('list', { name: 'Stage timeline' });
    await timeline.waitFor();
    const stages = (JSON.parse(fs.readFileSync(path.join(dir, '.tunebench', 'runs', id, 'status.json'), 'utf8')) as { stages: unknown[] }).stages.length;
    expect(stages).toBe(3); // t, c, train+test
    expect(await timeline.locator('[data-cache="miss"]').count()).toBe(stages);
    await p.getByRole('tab', { name: 'Training' }).click();
    await p.getByRole('region', { name: 'No training in this run' }).waitFor();
    await p.getByRole('tab', { name: 'Evaluation' }).click();
    await p.getByRole('region', { name: 'No evaluation in this run' }).waitFor();
    await p.getByRole('tab', { name: 'Source' }).click();
    expect(await p.getByRole('region', { name: 'Pipeline source' }).innerText()).toContain('pipeline clean_small');
    await p.getByRole('tab', { name: 'Overview' }).click();
    await screenshot(p, 'run-data-only-dark');
    await dark.close();
  });
});
