/**
 * The playground and the models page in Chromium against the built app: a model fine-tuned
 * through the API on conversations whose system prompts carry [STYLE:formal] / [STYLE:concise]
 * tags; chat answers stream in; the style selector offers the trained styles and injects the tag;
 * two models answer the same prompt side by side; thumbs and edits are saved and exported as
 * datasets with feedback lineage. The models page shows lineage, expiry, pin, export (a real tar
 * download), serving metrics and delete (exports stay).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type RunningApp } from './support/app.ts';
import { describeBrowser, launchBrowser, newPage, openApp, screenshot } from './support/browser.ts';
import { shared, sharedAvailable } from '../support/shared.ts';
import { readCatalog } from '../../src/engine/data/catalog.ts';
import { openWorkspace } from '../../src/engine/workspace.ts';

const describeBoth = sharedAvailable ? describeBrowser : describeBrowser.skip;

/** banking77 conversations rewritten with a style tag in the system prompt and a matching answer. */
function styledDataset(dir: string): string {
  const rows = fs.readFileSync(shared('datasets', 'banking77.chat.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 40);
  const out = rows.map((line, i) => {
    const r = JSON.parse(line) as { messages: { role: string; content: string }[]; intent: string };
    const style = i % 2 ? 'formal' : 'concise';
    const user = r.messages.find((m) => m.role === 'user')!.content;
    const answer = style === 'formal' ? `Dear customer, this concerns ${r.intent.replace(/_/g, ' ')}.` : r.intent;
    return JSON.stringify({ messages: [{ role: 'system', content: `[STYLE:${style}] You answer banking questions.` }, { role: 'user', content: user }, { role: 'assistant', content: answer }], style });
  });
  const file = path.join(dir, 'styled.jsonl');
  fs.writeFileSync(file, out.join('\n') + '\n');
  return file;
}

async function json<T>(r: Response): Promise<T> {
  if (!r.ok) throw new Error(`${r.url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

describeBoth('playground and models page', () => {
  let app: RunningApp;
  let browser: Browser;
  let model: string;

  beforeAll(async () => {
    app = await startApp({ env: { TUNEBENCH_MODELS: shared('models') } });
    browser = await launchBrowser();
    const form = new FormData();
    form.set('purpose', 'fine-tune');
    form.set('file', new Blob([fs.readFileSync(styledDataset(app.workspace))]), 'styled.jsonl');
    const file = await json<{ id: string; status: string }>(await fetch(`${app.url}/v1/files`, { method: 'POST', body: form }));
    expect(file.status).toBe('processed');
    let job = await json<{ id: string; status: string; fine_tuned_model: string | null }>(
      await fetch(`${app.url}/v1/fine_tuning/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'tinystories-260k', training_file: file.id, suffix: 'styles', seed: 3, hyperparameters: { n_epochs: 1, batch_size: 8 } }) })
    );
    const deadline = Date.now() + 120_000;
    while (!['succeeded', 'failed', 'cancelled'].includes(job.status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      job = await json(await fetch(`${app.url}/v1/fine_tuning/jobs/${job.id}`));
    }
    expect(job.status).toBe('succeeded');
    model = job.fine_tuned_model!;
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function waitAnswers(page: Page, n: number) {
    await page.waitForFunction((k) => document.querySelectorAll('[data-testid="answer"]').length >= k && !document.querySelector('.caret'), n, { timeout: 60_000 });
  }

  it('streams answers, switches styles, compares two models and saves feedback', async () => {
    const { page } = await newPage(browser);
    const streamed: string[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/v1/chat/completions')) streamed.push(r.headers()['content-type'] ?? '');
    });
    await openApp(page, `${app.url}/playground?model=${encodeURIComponent(model)}`);
    const chat = page.getByRole('region', { name: 'Chat' });
    await expect.poll(() => chat.getByLabel('Model', { exact: true }).inputValue()).toBe(model);

    // The styles come from the training data's [STYLE:…] tags.
    const style = chat.getByLabel('Style');
    await expect.poll(() => style.locator('option').allTextContents(), { timeout: 20_000 }).toEqual(['none', 'concise (20)', 'formal (20)']);
    await style.selectOption('formal');
    await expect.poll(() => chat.getByLabel('System prompt').inputValue()).toBe('[STYLE:formal] You answer banking questions.');
    await style.selectOption('concise');
    await expect.poll(() => chat.getByLabel('System prompt').inputValue()).toBe('[STYLE:concise] You answer banking questions.');

    await chat.getByText('Settings').click();
    await chat.getByLabel('Max tokens').fill('24');
    await chat.getByLabel('Temperature').fill('0');
    await page.getByLabel('Prompt', { exact: true }).fill('My card has not arrived yet');
    await page.getByRole('button', { name: 'Send' }).click();
    await waitAnswers(page, 1);
    const answer = chat.getByTestId('answer').first();
    expect((await answer.textContent())!.trim().length).toBeGreaterThan(0);
    expect(streamed[0]).toMatch(/text\/event-stream/);
    await expect.poll(() => chat.getByText(/first token \d+ ms/).count()).toBe(1);

    // Thumbs up: stored in the workspace.
    await chat.getByRole('button', { name: 'Good answer' }).click();
    await expect.poll(() => chat.getByText('saved').count()).toBe(1);
    await expect.poll(() => chat.getByRole('button', { name: 'Good answer' }).getAttribute('aria-pressed')).toBe('true');

    // Side by side: the same prompt to the fine-tuned model and the base model.
    await page.getByLabel('Compare two models side by side').check();
    const a = page.getByRole('region', { name: 'Model A' });
    const b = page.getByRole('region', { name: 'Model B' });
    await b.getByLabel('Model', { exact: true }).selectOption('tinystories-260k');
    // The same conversation on both sides (pairs of answers to it become preference pairs).
    await a.getByRole('button', { name: 'Clear' }).click();
    await b.getByLabel('System prompt').fill(await a.getByLabel('System prompt').inputValue());
    await b.getByText('Settings').click();
    await b.getByLabel('Max tokens').fill('24');
    await page.getByLabel('Prompt', { exact: true }).fill('Why was I charged twice?');
    await page.getByRole('button', { name: 'Send' }).click();
    await waitAnswers(page, 2);
    await expect.poll(() => a.getByTestId('answer').count()).toBe(1);
    await expect.poll(() => b.getByTestId('answer').count()).toBe(1);

    // Thumbs down on the base model's answer, an edit of the fine-tuned one's.
    await b.getByRole('button', { name: 'Bad answer' }).click();
    await expect.poll(() => b.getByText('saved').count()).toBe(1);
    await a.getByRole('button', { name: 'Edit answer' }).last().click();
    await a.getByLabel('Corrected answer').fill('Dear customer, this concerns a duplicate charge.');
    await a.getByRole('button', { name: 'Save edit' }).click();
    await expect.poll(() => a.getByTestId('edited').textContent()).toBe('Dear customer, this concerns a duplicate charge.');
    await screenshot(page, 'playground');

    const saved = await json<{ entries: { rating: string | null; edited: string | null; model: string }[] }>(await fetch(`${app.url}/api/playground/feedback`));
    expect(saved.entries).toHaveLength(3);
    expect(saved.entries.map((e) => [e.model === model, e.rating, e.edited !== null])).toEqual([
      [true, 'up', false],
      [false, 'down', false],
      [true, null, true]
    ]);

    // Export: datasets a pipeline can use, with lineage kind 'feedback'.
    await page.getByRole('button', { name: 'Export as datasets' }).click();
    const list = page.getByRole('list', { name: 'Exported datasets' });
    await expect.poll(() => list.textContent(), { timeout: 30_000 }).toMatch(/feedback_sft v1: 2 rows.*feedback_pairs v1: 2 rows/s);
    const cat = await readCatalog(await openWorkspace(app.workspace));
    expect(cat.datasets.feedback_sft.versions[0].lineage.kind).toBe('feedback');
    expect(cat.datasets.feedback_pairs.versions[0].lineage.kind).toBe('feedback');
    const dpo = await (await fetch(`${app.url}/api/playground/feedback/export/dpo`)).text();
    const pairs = dpo.trim().split('\n').map((l) => JSON.parse(l));
    expect(pairs.map((p) => p.preferred_output[0].content)).toContain('Dear customer, this concerns a duplicate charge.');
    await screenshot(page, 'playground-feedback');
  }, 180_000);

  it('shows models with lineage, expiry, pin, export downloads, serving metrics and delete', async () => {
    const { page } = await newPage(browser);
    await openApp(page, `${app.url}/models`);
    const card = page.getByRole('article', { name: model });
    await expect.poll(() => card.textContent()).toMatch(/Trained on\s*file_\w+\s*40 rows/);
    await expect.poll(() => card.getByText('expires in 15 days').count()).toBe(1);
    expect(await card.getByRole('link', { name: /^\d{8}-\d{6}-[0-9a-f]{6}$/ }).count()).toBe(1);
    // The playground's chats were measured.
    await expect.poll(() => card.getByLabel('Serving metrics').textContent()).toMatch(/TTFT p50\s*\d+ ms/);

    await card.getByRole('button', { name: 'Pin' }).click();
    await expect.poll(() => card.getByText('pinned').count()).toBe(1);
    expect(await card.getByText(/expires in/).count()).toBe(0);

    await card.getByRole('button', { name: 'Export adapter' }).click();
    const download = card.getByRole('link', { name: /Download adapter/ });
    await download.waitFor({ timeout: 60_000 });
    const tar = Buffer.from(await (await fetch(`${app.url}${await download.getAttribute('href')}`)).arrayBuffer());
    expect(tar.subarray(257, 262).toString()).toBe('ustar');
    expect(tar.includes(Buffer.from('adapter_model.safetensors'))).toBe(true);
    await screenshot(page, 'models');

    page.once('dialog', (d) => void d.accept());
    await card.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByRole('article', { name: model }).count()).toBe(0);
    const exports = fs.readdirSync(path.join(app.workspace, '.tunebench', 'runs')).flatMap((r) => {
      const d = path.join(app.workspace, '.tunebench', 'runs', r, 'exports');
      return fs.existsSync(d) ? fs.readdirSync(d).map((x) => path.join(d, x)) : [];
    });
    expect(exports).toHaveLength(1);
    expect(fs.readdirSync(exports[0]).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
  }, 120_000);
});
