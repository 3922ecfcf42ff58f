/**
 * The workbench's test of record: one user's day on a fresh workspace, in Chromium against the
 * built app, with the real models (TUNEBENCH_MODELS = ../shared/models). Import a dataset, query
 * it in SQL, type a mistake in a pipeline and see the diagnostic come and go, run a small
 * train + eval pipeline on tinystories-260k and watch its loss chart grow while it trains, read
 * its evaluation (metric cards, predictions) and export the model, compare it with a second run,
 * and rerun it to see every stage come from the cache. A screenshot of each page goes to
 * test-results/e2e/workbench-*.png. Expected values come from the files themselves (the dataset
 * lines, metrics.jsonl, eval.json), read independently of the pages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, tempWorkspace, type RunningApp } from './support/app.ts';
import { describeBrowser, launchBrowser, newPage, openApp, screenshot } from './support/browser.ts';
import { editorReady, gotoLineEnd, noProblems, problems, runSqlQuery, squiggles, uploadDataset, waitForRun } from './support/workbench.ts';
import { REPO_ROOT, shared, sharedAvailable } from '../support/shared.ts';

/** Small enough for ~15 s of training on 2 cores; long enough to watch the curve grow. */
const PIPELINE = (lr: string, epochs: number) => `# Answer support tickets: LoRA on tinystories-260k, then the base model against the tuned one.
pipeline support_tiny "Support answers on tinystories-260k"

dataset tickets from workspace support

stage small from tickets {
  filter turns >= 1
  limit 80
}

split small into train 75%, val 10%, test 15% seed 7

train tuned from train validate val {
  base "tinystories-260k"
  method lora rank 4 alpha 8
  epochs ${epochs} batch_size 4 learning_rate ${lr} max_length 256
  eval_every 5 steps
}

eval [base, tuned] on test {
  metrics bleu, rougeL
  generate max_tokens 8
  bootstrap 200
}
`;
const STAGES = ['tickets', 'small.1', 'small.2', 'train+val+test', 'tuned', 'eval'];
const DATA = path.join(REPO_ROOT, 'datasets', 'support.jsonl');

// Needs Chromium (describeBrowser) and the shared models.
const describeWorkbench = (sharedAvailable ? describeBrowser : describe.skip) as typeof describe;

describeWorkbench('the workbench, end to end', () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let first = '';
  let second = '';

  beforeAll(async () => {
    dir = tempWorkspace();
    app = await startApp({ workspace: dir, env: { TUNEBENCH_MODELS: shared('models') } });
    browser = await launchBrowser();
    ({ context, page } = await newPage(browser));
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.stop();
  });

  const runDir = (id: string) => path.join(dir, '.tunebench', 'runs', id);
  const badge = () => page.getByTestId('run-status');

  it('imports a dataset through the upload', async () => {
    await openApp(page, `${app.url}/datasets`);
    await uploadDataset(page, DATA, 'support');
    const lines = fs.readFileSync(DATA, 'utf8').trim().split('\n').length;
    expect(await page.getByTestId('rows-imported').innerText()).toBe(String(lines));
    await screenshot(page, 'workbench-datasets');
  });

  it('runs a SQL query over it in the browser', async () => {
    await openApp(page, `${app.url}/sql`);
    await editorReady(page);
    await runSqlQuery(page, 'SELECT intent, count(*) AS n FROM support GROUP BY intent ORDER BY intent');
    const counts = new Map<string, number>();
    for (const l of fs.readFileSync(DATA, 'utf8').trim().split('\n')) {
      const intent = (JSON.parse(l) as { intent: string }).intent;
      counts.set(intent, (counts.get(intent) ?? 0) + 1);
    }
    await page.getByRole('status').filter({ hasText: `${counts.size} rows` }).waitFor({ timeout: 60_000 });
    const rows = await page.getByRole('grid', { name: 'Query results' }).getByRole('row').allInnerTexts();
    expect(rows.slice(1).map((r) => r.split(/\s+/).filter(Boolean))).toEqual([...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => [k, String(n)]));
    await screenshot(page, 'workbench-sql');
  });

  it('shows a typed mistake in the pipeline editor and clears it once fixed', async () => {
    const created = await fetch(`${app.url}/api/pipelines`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'support-tiny', source: PIPELINE('3e-3', 3) }) });
    expect(created.status).toBe(201);
    await openApp(page, `${app.url}/pipelines/support-tiny`);
    await editorReady(page);
    await noProblems(page);
    // Line 7 is `  filter turns >= 1`: add a condition on a column that does not exist.
    await gotoLineEnd(page, 7);
    const typo = ' and turnz >= 2';
    await page.keyboard.type(typo);
    await squiggles(page).first().waitFor({ timeout: 15_000 });
    const item = problems(page).getByRole('listitem').filter({ hasText: "'turnz'" });
    await item.waitFor();
    expect(await item.innerText()).toContain('7:');
    await screenshot(page, 'workbench-pipeline-diagnostic');
    for (let i = 0; i < typo.length; i++) await page.keyboard.press('Backspace');
    await noProblems(page, 15_000);
    await page.waitForFunction(() => document.querySelectorAll('.editor .squiggly-error').length === 0, null, { timeout: 10_000 });
  });

  it('runs the pipeline to completion, and the loss chart grows while it trains', async () => {
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const link = page.getByRole('region', { name: 'Run' }).getByRole('link').first();
    await link.waitFor({ timeout: 30_000 });
    first = (await link.innerText()).trim();
    await link.click();
    await page.waitForURL(`**/runs/${first}`);
    const chart = page.getByTestId('loss-chart');
    await chart.waitFor();

    // Sample the plotted points while the run is going: the count must grow during the run.
    const seen: number[] = [];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const points = Number(await chart.getAttribute('data-points'));
      const state = await badge().innerText();
      if (!/succeeded|failed|cancelled/.test(state)) seen.push(points);
      else break;
      if (seen.length === 3) await screenshot(page, 'workbench-run-live');
      await page.waitForTimeout(300);
    }
    await badge().filter({ hasText: 'succeeded' }).waitFor({ timeout: 120_000 });
    const growing = seen.filter((n, i) => i > 0 && n > seen[i - 1]);
    expect(growing.length, `points sampled while running: ${seen.join(', ')}`).toBeGreaterThanOrEqual(2);
    expect(seen.some((n) => n > 0)).toBe(true);

    // Every stage ran (a fresh workspace: no cache), and the chart holds every metric line's losses.
    const timeline = page.getByRole('list', { name: 'Stage timeline' });
    for (const id of STAGES) expect(await timeline.locator(`[data-stage="${id}"]`).getAttribute('data-state')).toBe('succeeded');
    const lines = fs.readFileSync(path.join(runDir(first), 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    const expected = lines.reduce((n, l) => n + ['train_loss', 'valid_loss', 'full_valid_loss'].filter((k) => typeof l[k] === 'number').length, 0);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) === n, expected, { timeout: 15_000 });
    await screenshot(page, 'workbench-run');
  });

  it('shows the evaluation: metric cards on hover, CIs, and the predictions', async () => {
    await page.getByRole('tab', { name: 'Evaluation' }).click();
    const status = JSON.parse(fs.readFileSync(path.join(runDir(first), 'status.json'), 'utf8')) as { stages: { id: string; outputs: Record<string, { path: string }> }[] };
    const evalJson = JSON.parse(fs.readFileSync(path.join(dir, status.stages.find((s) => s.id === 'eval')!.outputs.main.path), 'utf8')) as { data: { evaluated: number }; models: { label: string; scores: Record<string, { value: number }> }[] };
    const bleu = page.locator('td[data-metric="bleu"][data-model="tuned"]');
    expect(Number((await bleu.innerText()).split('\n')[0])).toBeCloseTo(evalJson.models[1].scores.bleu.value, 3);
    await page.getByRole('button', { name: /^BLEU/ }).hover();
    const card = page.getByRole('dialog', { name: 'BLEU metric card' });
    await card.waitFor();
    expect(await card.innerText()).toContain('sacreBLEU');
    await screenshot(page, 'workbench-eval');
    await page.mouse.move(5, 5);
    const grid = page.getByRole('grid', { name: 'Predictions' });
    await grid.waitFor({ timeout: 15_000 });
    expect(await grid.getAttribute('aria-rowcount')).toBe(String(evalJson.data.evaluated + 1));
  });

  it('exports the tuned model and offers it as a .tar', async () => {
    await page.getByRole('tab', { name: 'Training' }).click();
    await page.getByRole('table', { name: 'Checkpoints of tuned' }).waitFor();
    await page.getByRole('button', { name: 'Export Merged' }).click();
    const done = page.getByRole('status').filter({ hasText: 'Exported' });
    await done.waitFor({ timeout: 60_000 });
    const href = await done.getByRole('link').getAttribute('href');
    const tar = await fetch(`${app.url}${href}`);
    expect(tar.status).toBe(200);
    expect(tar.headers.get('content-type')).toBe('application/x-tar');
    const body = Buffer.from(await tar.arrayBuffer());
    expect(body.subarray(0, 100).toString('utf8')).toContain('tuned-final-merged/');
    expect(fs.existsSync(path.join(runDir(first), 'exports', 'tuned-final-merged', 'model.safetensors'))).toBe(true);
    await screenshot(page, 'workbench-training');
  });

  it('compares two runs: differing hyperparameters, metric deltas, curves and outputs side by side', async () => {
    await fetch(`${app.url}/api/pipelines`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'support-tiny-slow', source: PIPELINE('1e-3', 1) }) });
    const started = (await (await fetch(`${app.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pipeline: 'support-tiny-slow' }) })).json()) as { runId: string };
    second = started.runId;
    expect((await waitForRun(app.url, second)).status.status).toBe('succeeded');

    await openApp(page, `${app.url}/runs`);
    await screenshot(page, 'workbench-runs');
    await page.getByRole('checkbox', { name: `Select run ${first} for comparing` }).check();
    await page.getByRole('checkbox', { name: `Select run ${second} for comparing` }).check();
    await page.getByRole('link', { name: 'Compare selected runs' }).click();
    await page.waitForURL(/\/compare\?runs=/);
    expect(new URL(page.url()).searchParams.get('runs')).toBe(`${first},${second}`); // the older run is the baseline

    const params = page.getByRole('table', { name: 'Hyperparameters that differ' });
    for (const p of ['tuned.learning_rate.value', 'tuned.epochs']) {
      const row = params.getByRole('row').filter({ hasText: p });
      expect(await row.locator('[data-differs="true"]').count()).toBe(1);
    }
    const metrics = page.getByRole('table', { name: 'Metrics with deltas against the baseline' });
    for (const m of ['bleu', 'rougeL']) expect(await metrics.locator(`tr[data-metric="${m}"]`).innerText()).toMatch(/p [=<]/);
    await page.getByTestId('compare-loss').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('compare-loss').getAttribute('data-series')).toBe('4');
    const examples = page.getByRole('region', { name: 'Outputs side by side' }).getByRole('listitem');
    expect(await examples.count()).toBeGreaterThan(0);
    const spreads = await examples.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-spread'))));
    expect(spreads).toEqual([...spreads].sort((a, b) => b - a)); // largest disagreement first
    await screenshot(page, 'workbench-compare');

    // The URL is the comparison: the server renders it on its own.
    const html = await (await fetch(page.url())).text();
    expect(html).toContain('tuned.learning_rate.value');
    expect(html).toContain(second);
  });

  it('reruns the first run: a new run whose stages all come from the cache', async () => {
    await openApp(page, `${app.url}/runs/${first}`);
    await page.getByRole('button', { name: 'Rerun' }).click();
    await page.waitForURL((u) => /\/runs\/\d{8}-\d{6}-[0-9a-f]{6}$/.test(u.pathname) && !u.pathname.endsWith(first), { timeout: 30_000 });
    await badge().filter({ hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
    const timeline = page.getByRole('list', { name: 'Stage timeline' });
    await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Stage timeline"] [data-cache="hit"]').length === n, STAGES.length, { timeout: 15_000 });
    for (const id of STAGES) expect(await timeline.locator(`[data-stage="${id}"]`).getAttribute('data-cache')).toBe('hit');
    expect(await page.getByTestId('cache-hits').innerText()).toBe(`${STAGES.length} of ${STAGES.length} stages from the cache`);
    expect(await page.getByText('rerun of').getByRole('link').innerText()).toBe(first);
    // Its curves are the ones of the run that trained the cached stage.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) > 0, null, { timeout: 15_000 });
    await screenshot(page, 'workbench-rerun');
  });

  it('cancels a live run from its page', async () => {
    await fetch(`${app.url}/api/pipelines`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'support-tiny-fast', source: PIPELINE('5e-3', 3) }) });
    const started = (await (await fetch(`${app.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pipeline: 'support-tiny-fast' }) })).json()) as { runId: string; page: string };
    await openApp(page, `${app.url}${started.page}`);
    await page.locator('[data-stage="tuned"][data-state="running"]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await badge().filter({ hasText: 'cancelled' }).waitFor({ timeout: 60_000 });
    expect((await waitForRun(app.url, started.runId)).status.status).toBe('cancelled');
    await page.getByRole('status').filter({ hasText: 'Cancelled: cancelled from the workbench' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-stage="eval"]').getAttribute('data-state')).toBe('skipped');
    await screenshot(page, 'workbench-cancelled');
  });
});
