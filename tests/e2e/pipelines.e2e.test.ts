/**
 * The pipeline pages end to end on a fresh workspace: create a pipeline with the "new
 * fine-tuning task" form (the file it writes checks cleanly with the engine's own check), edit a
 * pipeline in Monaco (a typed mistake shows as a squiggle and in the problems list and goes away
 * when fixed; completion offers a column; hover docs; format; Ctrl+S saves the file), see the
 * plan's DAG, run the pipeline with live progress and see its stages cached the second time,
 * and rename / delete files from the list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, tempWorkspace, type RunningApp } from './support/app.ts';
import { describeBrowser, launchBrowser, newPage, openApp, screenshot } from './support/browser.ts';
import { importGenerated } from './support/dataset.ts';
import { shared, sharedAvailable } from '../support/shared.ts';
import { checkWithFacts, compile, hasErrors } from '../../dsl/index.ts';
import { gatherFacts } from '../../src/engine/facts.ts';
import { openWorkspace } from '../../src/engine/workspace.ts';

const DATA_PIPELINE = `# Keep the billing questions.
pipeline billing_only

dataset data from workspace support

stage billing from data {
  filter intent = "billing"
}
`;

describeBrowser('pipelines: form, editor, plan, run, files', () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  const env: Record<string, string> = sharedAvailable ? { TUNEBENCH_MODELS: shared('models') } : {};

  beforeAll(async () => {
    dir = tempWorkspace();
    await importGenerated(dir, 'support', 120);
    app = await startApp({ workspace: dir, env });
    browser = await launchBrowser();
    ({ context, page } = await newPage(browser));
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.stop();
  });

  const editorReady = () => page.locator('.editor[data-ready="true"]').waitFor({ timeout: 30_000 });
  const squiggles = () => page.locator('.editor .squiggly-error');
  const problems = () => page.getByRole('list', { name: 'Problems list' });

  it('starts with an empty list that says what to do', async () => {
    await openApp(page, `${app.url}/pipelines`);
    await page.getByRole('region', { name: 'No pipelines yet' }).waitFor();
    await screenshot(page, 'pipelines-empty');
  });

  it('writes a pipeline from the fine-tuning task form, which checks cleanly and opens in the editor', async (ctx) => {
    if (!sharedAvailable) ctx.skip();
    await openApp(page, `${app.url}/pipelines/new`);
    await page.getByLabel('Name', { exact: true }).fill('support-task');
    await page.getByLabel('Description').fill('Answer billing questions');
    await page.getByLabel('Base model').selectOption('tinystories-260k');
    await page.getByLabel('Full').check();
    await page.getByLabel('Epochs').fill('2');
    await page.getByLabel('Test %').fill('20');
    await page.getByLabel('intent_accuracy').check();
    await page.getByLabel('Label column').selectOption('intent');
    const preview = page.getByRole('complementary', { name: 'Pipeline text' });
    await preview.getByText('intent_accuracy(against intent)').waitFor();
    await preview.getByText('No problems: the pipeline checks.').waitFor({ timeout: 30_000 });
    await screenshot(page, 'pipeline-form');
    await page.getByRole('button', { name: 'Create and open' }).click();
    await page.waitForURL(/\/pipelines\/support-task$/);
    await editorReady();
    await page.getByText('No problems: the pipeline checks.').waitFor({ timeout: 30_000 });

    const text = fs.readFileSync(path.join(dir, 'pipelines', 'support-task.ftp'), 'utf8');
    expect(text).toContain('split data into train 70%, val 10%, test 20% seed 42');
    expect(text).toContain('method full');
    expect(text).toContain('epochs 2');
    // The engine's own check (as `tunebench check`) accepts the file.
    const ws = await openWorkspace(dir);
    const { result } = await checkWithFacts(text, (needs) => gatherFacts(ws, needs, { ...process.env, ...env }));
    expect(hasErrors(result.diagnostics)).toBe(false);
    expect(Object.keys(compile(result).outputs).sort()).toEqual(['data', 'eval', 'test', 'train', 'tuned', 'val']);
  });

  it('shows a typed mistake as a squiggle and a problem, and clears both once fixed', async () => {
    const created = await fetch(`${app.url}/api/pipelines`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'billing', source: DATA_PIPELINE }) });
    expect(created.status).toBe(201);
    await openApp(page, `${app.url}/pipelines/billing`);
    await editorReady();
    await page.getByText('No problems: the pipeline checks.').waitFor({ timeout: 30_000 });
    expect(await squiggles().count()).toBe(0);

    // Line 7 is `  filter intent = "billing"`: add a condition on a column that does not exist.
    await page.getByRole('textbox', { name: 'Pipeline source' }).focus();
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    const typo = ' and turnz >= 2';
    await page.keyboard.type(typo);
    await squiggles().first().waitFor({ timeout: 10_000 });
    const item = problems().getByRole('listitem').filter({ hasText: 'E021' });
    await item.waitFor();
    expect(await item.innerText()).toContain("'turnz'");
    expect(await item.innerText()).toContain('7:');
    await screenshot(page, 'pipeline-diagnostic');

    // Clicking the problem puts the cursor on it.
    await item.getByRole('button').click();
    expect(await page.evaluate(() => !!document.activeElement?.closest('.monaco-editor'))).toBe(true);

    // Fix it: remove the typed text.
    await page.keyboard.press('End');
    for (let i = 0; i < typo.length; i++) await page.keyboard.press('Backspace');
    await page.getByText('No problems: the pipeline checks.').waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll('.editor .squiggly-error').length === 0, null, { timeout: 10_000 });
  });

  it('completes a column name, shows hover docs, formats, goes to a definition, and saves with Ctrl+S', async () => {
    // A new operator line in the stage: `  filter user_` + Ctrl+Space offers user_text.
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('filter user_');
    await page.keyboard.press('Control+Space');
    const suggestion = page.locator('.editor .suggest-widget .monaco-list-row').filter({ hasText: 'user_text' });
    await suggestion.first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.keyboard.type(' like "%help%"');
    await page.getByText('No problems: the pipeline checks.').waitFor({ timeout: 10_000 });

    // Hover on a keyword shows its documentation.
    await page.locator('.editor .view-line').filter({ hasText: 'stage billing' }).getByText('stage', { exact: true }).first().hover();
    await page.locator('.monaco-hover').filter({ hasText: 'stage NAME from INPUT' }).first().waitFor({ timeout: 10_000 });

    // Format document: extra spaces go.
    await page.getByRole('textbox', { name: 'Pipeline source' }).focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nsplit    billing   into a 50%,   b 50%');
    await page.getByRole('button', { name: 'Format' }).click();
    await page.locator('.editor .view-line').filter({ hasText: 'split billing into a 50%, b 50%' }).waitFor({ timeout: 10_000 });

    // Go to definition (F12) on a stage name jumps to the statement that defines it (line 6).
    // (click inside the word: columns 7–13 of the line; Monaco's font is 13 px monospace)
    const charWidth = await page.locator('.editor .view-line').first().evaluate((el) => {
      const probe = document.createElement('span');
      probe.textContent = 'x'.repeat(100);
      el.appendChild(probe);
      const w = probe.getBoundingClientRect().width / 100;
      probe.remove();
      return w;
    });
    await page.locator('.editor .view-line').filter({ hasText: 'split billing into' }).click({ position: { x: charWidth * 9.5, y: 8 } });
    await page.keyboard.press('F12');
    await page.locator('.editor .line-numbers.active-line-number').filter({ hasText: /^6$/ }).waitFor({ timeout: 10_000 });

    await page.getByRole('textbox', { name: 'Pipeline source' }).focus();
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor({ timeout: 10_000 });
    const disk = fs.readFileSync(path.join(dir, 'pipelines', 'billing.ftp'), 'utf8');
    expect(disk).toContain('filter user_text like "%help%"');
    expect(disk).toContain('split billing into a 50%, b 50%');
    await screenshot(page, 'pipeline-editor');
  });

  it('shows the plan as a DAG and runs the pipeline with live progress; a second run reuses the cache', async () => {
    const dag = page.getByRole('group', { name: 'Pipeline plan' });
    await dag.waitFor({ timeout: 30_000 });
    const stages = ['data', 'billing.1', 'billing.2', 'a+b'];
    const node = (id: string, status: string) => dag.getByRole('button', { name: new RegExp(`^${id.replace(/[.+]/g, '\\$&')}: ${status}`) });
    for (const id of stages) await node(id, 'will run').first().waitFor({ timeout: 30_000 });

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const run = page.getByRole('region', { name: 'Run' });
    await run.getByText('succeeded').first().waitFor({ timeout: 120_000 });
    const log = run.getByRole('list', { name: 'Run events' });
    await log.getByText(/run succeeded in/).waitFor();
    for (const id of stages) expect(await log.getByText(new RegExp(`${id.replace(/[.+]/g, '\\$&')} \\(\\w+\\): \\d+ → \\d+ rows in`)).count()).toBe(1);
    await screenshot(page, 'pipeline-run');

    // Every stage's output is now in the cache: the plan says so, and a second run reuses them.
    for (const id of stages) await node(id, 'cached').first().waitFor({ timeout: 30_000 });
    const firstRun = await run.getByRole('link').first().innerText();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await run.getByRole('link').filter({ hasNotText: firstRun }).first().waitFor({ timeout: 30_000 });
    await run.getByText('succeeded').first().waitFor({ timeout: 120_000 });
    const events = await run.getByRole('list', { name: 'Run events' }).innerText();
    expect(events.match(/cache hit/g)?.length ?? 0).toBe(stages.length);
  });

  it('renames and deletes pipelines from the list (with a confirmation), and refuses names outside the folder', async () => {
    await openApp(page, `${app.url}/pipelines`);
    await page.getByRole('button', { name: 'Rename billing' }).click();
    await page.getByLabel('New name for billing').fill('billing-v2');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.getByRole('link', { name: 'billing-v2.ftp' }).waitFor();
    expect(fs.existsSync(path.join(dir, 'pipelines', 'billing-v2.ftp'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'pipelines', 'billing.ftp'))).toBe(false);

    await page.getByRole('button', { name: 'Delete billing-v2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete billing-v2.ftp?' });
    await dialog.waitFor();
    await screenshot(page, 'pipelines-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('link', { name: 'billing-v2.ftp' }).waitFor({ state: 'detached' });
    expect(fs.existsSync(path.join(dir, 'pipelines', 'billing-v2.ftp'))).toBe(false);

    for (const bad of ['..%2Fescape', '.hidden', 'a.b']) {
      const r = await fetch(`${app.url}/api/pipelines/support-task`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: decodeURIComponent(bad) }) });
      expect([400, 404]).toContain(r.status);
    }
    const r = await fetch(`${app.url}/api/pipelines/..%2F..%2Fetc%2Fpasswd`);
    expect(r.status).toBe(400);
  });
});
