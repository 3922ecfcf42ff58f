/**
 * The SQL console end to end: a dataset imported into a fresh workspace, served by the app as a
 * DuckDB file (read with range requests), queried by duckdb-wasm in Chromium, rows shown in the
 * virtual grid; SQL errors shown in place with their position; history kept across reloads.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, tempWorkspace, type RunningApp } from './support/app.ts';
import { describeBrowser, launchBrowser, newPage, openApp, screenshot, waitForApp } from './support/browser.ts';
import { importGenerated, intentOf } from './support/dataset.ts';

const N = 1000;

describeBrowser('SQL console (duckdb-wasm)', () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const datasetStatuses: number[] = [];

  beforeAll(async () => {
    const ws = tempWorkspace();
    await importGenerated(ws, 'support', N);
    app = await startApp({ workspace: ws });
    browser = await launchBrowser();
    ({ context, page } = await newPage(browser));
    page.on('response', (r) => {
      if (r.url().includes('/api/datasets/support/duckdb')) datasetStatuses.push(r.status());
    });
    await openApp(page, `${app.url}/sql`);
    await page.locator('.editor[data-ready="true"]').waitFor({ timeout: 30_000 });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.stop();
  });

  async function runQuery(sql: string) {
    await page.getByRole('textbox', { name: 'SQL query' }).focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(sql);
    await page.keyboard.press('Control+Enter');
  }

  it('runs a query over the served dataset and shows the rows', async () => {
    await runQuery('SELECT intent, count(*) AS n FROM support GROUP BY intent ORDER BY intent');
    await page.getByRole('status').filter({ hasText: '2 rows' }).waitFor({ timeout: 60_000 });
    const grid = page.getByRole('grid', { name: 'Query results' });
    const rows = await grid.getByRole('row').allInnerTexts();
    const expected = { billing: 0, greeting: 0 };
    for (let i = 1; i <= N; i++) expected[intentOf(i)]++;
    expect(rows.slice(1).map((r) => r.split(/\s+/).filter(Boolean))).toEqual([
      ['billing', String(expected.billing)],
      ['greeting', String(expected.greeting)]
    ]);
    // duckdb-wasm read the dataset file by ranges, as the file route allows.
    expect(datasetStatuses).toContain(206);
    expect(datasetStatuses.every((s) => s === 200 || s === 206 || s === 304)).toBe(true);
    await screenshot(page, 'sql');
  });

  it('shows nested values (the messages list of structs) as JSON', async () => {
    await runQuery("SELECT source_line, messages FROM support WHERE source_line = 7");
    await page.getByRole('status').filter({ hasText: '1 row ·' }).waitFor({ timeout: 30_000 });
    const cells = await page.getByRole('grid', { name: 'Query results' }).getByRole('gridcell').allInnerTexts();
    expect(cells[0]).toBe('7');
    const messages = JSON.parse(cells[1]) as { role: string; content: string }[];
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Question number 7: can you help me?'],
      ['assistant', 'Answer number 7: of course.']
    ]);
  });

  it('completes dataset names in the editor through the language services door', async () => {
    await page.getByRole('textbox', { name: 'SQL query' }).focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('SELECT * FROM supp');
    await page.keyboard.press('Control+Space');
    const suggestion = page.locator('.editor .suggest-widget .monaco-list-row').filter({ hasText: 'support' });
    await suggestion.first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
  });

  it('pages through a million-row result in the virtual grid', async () => {
    await runQuery('SELECT i, i * 2 AS twice FROM range(1000000) t(i)');
    await page.getByRole('status').filter({ hasText: '1,000,000 rows' }).waitFor({ timeout: 60_000 });
    const grid = page.getByRole('grid', { name: 'Query results' });
    expect(await grid.getAttribute('aria-rowcount')).toBe('1000001');
    // Only a window of rows is in the DOM.
    expect(await grid.getByRole('row').count()).toBeLessThan(80);
    await grid.focus();
    await page.keyboard.press('End');
    const last = grid.locator('[aria-rowindex="1000001"]');
    await last.waitFor();
    expect((await last.innerText()).split(/\s+/).filter(Boolean)).toEqual(['999999', '1999998']);
  });

  it('shows an SQL error where it happened, with its position', async () => {
    await runQuery('SELECT intent,\n  nope\nFROM support');
    // (Monaco keeps empty live regions with role=alert of its own: look for ours by its text.)
    const alert = page.getByRole('alert').filter({ hasText: 'Binder Error' });
    await alert.waitFor({ timeout: 30_000 });
    const text = await alert.innerText();
    expect(text).toContain('Binder Error');
    expect(text).toContain('"nope"');
    expect(text).toContain('line 2, column 3');
    // …and as a squiggle in the editor.
    await page.locator('.editor .squiggly-error').first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'sql-error');

    // Fixing the query clears both.
    await runQuery('SELECT count(*) AS n FROM support');
    await page.getByRole('status').filter({ hasText: '1 row ·' }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('alert').filter({ hasText: /\S/ }).count()).toBe(0);
    expect(await page.locator('.editor .squiggly-error').count()).toBe(0);
  });

  it('keeps the query history across reloads', async () => {
    await page.reload();
    await waitForApp(page);
    const history = page.getByRole('list', { name: 'Query history' });
    await history.waitFor();
    const items = await history.getByRole('listitem').allInnerTexts();
    expect(items[0]).toContain('SELECT count(*) AS n FROM support');
    expect(items.some((t) => t.includes('nope') && t.includes('error'))).toBe(true);
  });
});
