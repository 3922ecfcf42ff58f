/**
 * The dataset pages end to end on a fresh workspace: upload a file (file picker, and drag and
 * drop) and see the import's row count and validation report; upload a CSV whose columns need a
 * mapping and choose it in the form's selects; upload a bad file from the shared
 * corpus and follow a finding to its line; browse and search the conversations; read the
 * statistics; save a SQL console result as a new dataset version with its query as lineage.
 * Expected values come from the generator below and the bad corpus's manifest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, tempWorkspace, type RunningApp } from './support/app.ts';
import { describeBrowser, launchBrowser, newPage, openApp, screenshot } from './support/browser.ts';
import { intentOf } from './support/dataset.ts';
import { shared, sharedAvailable } from '../support/shared.ts';
import { readCatalog } from '../../src/engine/data/catalog.ts';
import { openWorkspace } from '../../src/engine/workspace.ts';

const N = 300;

/** Conversation i (1..N): a question and an answer; intent as in support/dataset.ts. */
function generated(n: number): string {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    const extra = i % 10 === 0 ? [{ role: 'user', content: `Follow-up ${i} about a parcel` }, { role: 'assistant', content: `Reply ${i}: it ships tomorrow.` }] : [];
    lines.push(JSON.stringify({ messages: [{ role: 'user', content: `Question number ${i}: can you help me?` }, { role: 'assistant', content: `Answer number ${i}: of course.` }, ...extra], intent: intentOf(i) }));
  }
  return lines.join('\n') + '\n';
}

describeBrowser('datasets: upload, report, browse, stats, save from SQL', () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = tempWorkspace();
    app = await startApp({ workspace: dir });
    browser = await launchBrowser();
    ({ context, page } = await newPage(browser));
    fs.mkdirSync(path.join(dir, 'incoming'), { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.stop();
  });

  it('shows what to do on an empty workspace', async () => {
    await openApp(page, `${app.url}/`);
    expect(new URL(page.url()).pathname).toBe('/datasets');
    await page.getByRole('region', { name: 'No datasets yet' }).waitFor();
    await screenshot(page, 'datasets-empty');
  });

  it('imports an uploaded file with progress and shows its row count and report', async () => {
    const file = path.join(dir, 'incoming', 'tickets.jsonl');
    fs.writeFileSync(file, generated(N));
    await page.locator('#dataset-file').setInputFiles(file);
    await page.getByLabel('Dataset name').fill('tickets');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = page.getByRole('region', { name: 'Validation report' });
    await report.waitFor({ timeout: 60_000 });
    expect(await report.getByTestId('rows-imported').innerText()).toBe(String(N));
    expect(await report.getByRole('status').innerText()).toContain(`${N} rows imported`);
    // The list refreshed with the new dataset.
    await page.getByTestId('rows-tickets').waitFor();
    expect(await page.getByTestId('rows-tickets').innerText()).toBe(String(N));
    await screenshot(page, 'datasets-imported');
    const cat = await readCatalog(await openWorkspace(dir));
    expect(cat.datasets.tickets.versions[0].rows).toBe(N);
  });

  it('imports a dropped file', async () => {
    await page.getByRole('button', { name: 'Import another file' }).click();
    const text = generated(12);
    await page.getByRole('group', { name: 'Drop a dataset file here' }).evaluate((zone, body) => {
      const dt = new DataTransfer();
      dt.items.add(new File([body], 'dropped.jsonl', { type: 'application/jsonl' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, text);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('region', { name: 'Validation report' }).getByTestId('rows-imported').filter({ hasText: '12' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('rows-dropped').filter({ hasText: '12' }).waitFor();
  });

  it('imports a CSV whose columns need a mapping, chosen in the form', async () => {
    const rows = 24;
    const file = path.join(dir, 'incoming', 'faq.csv');
    const body = Array.from({ length: rows }, (_, k) => `"Question ${k + 1}, please?",Answer ${k + 1},${intentOf(k + 1)}`);
    fs.writeFileSync(file, ['q,a,label', ...body].join('\n') + '\n');
    await page.getByRole('button', { name: 'Import another file' }).click();
    await page.locator('#dataset-file').setInputFiles(file);
    const mapping = page.getByRole('group', { name: 'Column mapping' });
    // The header was read in the browser; no column name is recognised, so nothing can be sent yet.
    await mapping.getByRole('alert').filter({ hasText: 'choose which hold the user and assistant turns' }).waitFor();
    const importButton = page.getByRole('button', { name: 'Import', exact: true });
    expect(await importButton.isDisabled()).toBe(true);
    await mapping.getByLabel('User turn').selectOption({ label: 'q' });
    await mapping.getByLabel('Assistant turn').selectOption({ label: 'a' });
    const keep = mapping.getByRole('group', { name: 'Keep as metadata' });
    expect(await keep.getByRole('checkbox', { name: 'label' }).isChecked()).toBe(true);
    await keep.getByLabel('Store label as column').fill('intent');
    await keep.getByLabel('Store label as column').press('Tab');
    // The selects wrote the mapping text, which is what is sent.
    expect(await mapping.getByLabel('Mapping', { exact: true }).inputValue()).toBe('user=q,assistant=a,intent=label');
    await screenshot(page, 'datasets-column-mapping');
    await importButton.click();
    const report = page.getByRole('region', { name: 'Validation report' });
    await report.getByTestId('rows-imported').filter({ hasText: String(rows) }).waitFor({ timeout: 60_000 });
    expect(await report.getByTestId('column-mapping').innerText()).toBe('user=q,assistant=a,intent=label');
    await page.getByTestId('rows-faq').filter({ hasText: String(rows) }).waitFor();
    const v = (await readCatalog(await openWorkspace(dir))).datasets.faq.versions[0];
    expect(v.rows).toBe(rows);
    expect(v.columns.map((c) => c.name)).toContain('intent');
  });

  it('reports a bad file with findings by line, and each finding opens its record', async (ctx) => {
    if (!sharedAvailable) ctx.skip();
    const manifest = JSON.parse(fs.readFileSync(shared('datasets', 'bad', 'manifest.json'), 'utf8')) as { file: string; fault_lines: number[] }[];
    const expected = manifest.find((m) => m.file === 'wrong_role.jsonl')!.fault_lines;
    await page.getByRole('button', { name: 'Import another file' }).click();
    await page.locator('#dataset-file').setInputFiles(shared('datasets', 'bad', 'wrong_role.jsonl'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = page.getByRole('region', { name: 'Validation report' });
    await report.waitFor({ timeout: 60_000 });
    expect(await report.getByRole('status').innerText()).toContain('was not imported');
    const errorRows = report.getByRole('table', { name: 'Findings' }).getByRole('row').filter({ has: page.getByText('error', { exact: true }) });
    const lines = (await errorRows.getByRole('link').allInnerTexts()).map((t) => Number(t.split(':')[0]));
    expect([...new Set(lines)].sort((a, b) => a - b)).toEqual(expected);
    await screenshot(page, 'datasets-bad-file-report');

    // The finding on line 3 links to that line of the uploaded file.
    await errorRows.getByRole('link').filter({ hasText: /^3(:|$)/ }).first().click();
    await page.getByRole('heading', { name: 'wrong_role.jsonl, line 3' }).waitFor();
    const raw = page.getByRole('region', { name: 'Raw record' });
    const rawText = await raw.innerText();
    const line3 = fs.readFileSync(shared('datasets', 'bad', 'wrong_role.jsonl'), 'utf8').split('\n')[2];
    expect(rawText.replace(/\s+/g, '')).toContain(`3${line3.replace(/\s+/g, '')}`);
    await page.getByRole('region', { name: 'Not imported' }).waitFor();
    await screenshot(page, 'datasets-finding-line');
    // Nothing was imported: the catalog has no such dataset.
    const cat = await readCatalog(await openWorkspace(dir));
    expect(cat.datasets.wrong_role).toBeUndefined();
  });

  it('browses the conversations, searches them, and shows the statistics', async () => {
    await openApp(page, `${app.url}/datasets/tickets`);
    expect(await page.getByTestId('dataset-rows').innerText()).toBe(String(N));
    const grid = page.getByRole('grid', { name: 'Conversations' });
    await grid.waitFor();
    expect(await grid.getAttribute('aria-rowcount')).toBe(String(N + 1));
    // The first conversation shows beside the grid; moving down shows the second.
    const conv = page.getByRole('complementary', { name: 'Conversation' });
    await conv.getByText('Question number 1: can you help me?').waitFor();
    await grid.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await conv.getByText('Question number 2: can you help me?').waitFor();
    await screenshot(page, 'dataset-conversations');

    // Search: the follow-ups are in every tenth conversation.
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('PARCEL');
    await page.getByRole('status').filter({ hasText: `${N / 10} matching of ${N}` }).waitFor({ timeout: 30_000 });
    await conv.getByText('Follow-up 10 about a parcel').waitFor();
    expect(await grid.getAttribute('aria-rowcount')).toBe(String(N / 10 + 1));

    await page.getByRole('tab', { name: 'Statistics' }).click();
    await page.getByRole('figure', { name: 'Turns histogram' }).waitFor({ timeout: 30_000 });
    const counts = { billing: 0, greeting: 0 };
    for (let i = 1; i <= N; i++) counts[intentOf(i)]++;
    const intents = page.getByRole('figure', { name: 'intent value counts' });
    await intents.waitFor();
    const text = await intents.innerText();
    expect(text).toContain(String(counts.greeting));
    expect(text).toContain(String(counts.billing));
    await screenshot(page, 'dataset-stats');
  });

  it('saves a SQL result as a new dataset with the query as lineage', async () => {
    await openApp(page, `${app.url}/sql`);
    await page.locator('.editor[data-ready="true"]').waitFor({ timeout: 30_000 });
    const query = "SELECT * FROM tickets WHERE intent = 'billing'";
    await page.getByRole('textbox', { name: 'SQL query' }).focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(query);
    await page.keyboard.press('Control+Enter');
    const billing = Array.from({ length: N }, (_, k) => intentOf(k + 1)).filter((x) => x === 'billing').length;
    await page.getByRole('status').filter({ hasText: `${billing} rows` }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Save result as dataset…' }).click();
    await page.getByLabel('Save the result as dataset').fill('billing_only');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'billing_only v1' }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'sql-save-as-dataset');
    const v = (await readCatalog(await openWorkspace(dir))).datasets.billing_only.versions[0];
    expect(v.rows).toBe(billing);
    expect(v.lineage).toMatchObject({ kind: 'sql', query, inputs: [{ name: 'tickets', version: 1 }] });

    // A query that cannot be saved says why, where it failed.
    await page.getByRole('textbox', { name: 'SQL query' }).focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('SELECT intent FROM tickets');
    await page.keyboard.press('Control+Enter');
    await page.getByRole('status').filter({ hasText: `${N} rows` }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Save result as dataset…' }).click();
    await page.getByLabel('Save the result as dataset').fill('broken');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'canonical column' }).waitFor({ timeout: 30_000 });
  });
});
