/**
 * Steps the workbench's browser tests share: the editor's readiness and diagnostics, the SQL
 * console's query, an upload through the datasets page, and waiting on a run through the API.
 * The same steps as the dataset, SQL and pipeline tests take, gathered for the end-to-end story.
 */
import type { Page } from 'playwright-core';

/** Monaco has mounted (the wrapper says so). */
export const editorReady = (page: Page) => page.locator('.editor[data-ready="true"]').waitFor({ timeout: 30_000 });
export const squiggles = (page: Page) => page.locator('.editor .squiggly-error');
export const problems = (page: Page) => page.getByRole('list', { name: 'Problems list' });
export const noProblems = (page: Page, timeout = 30_000) => page.getByText('No problems: the pipeline checks.').waitFor({ timeout });

/** Replaces the SQL console's text and runs it (Ctrl+Enter). */
export async function runSqlQuery(page: Page, sql: string): Promise<void> {
  await page.getByRole('textbox', { name: 'SQL query' }).focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(sql);
  await page.keyboard.press('Control+Enter');
}

/** Uploads a file on the datasets page as dataset `name` and waits for the validation report. */
export async function uploadDataset(page: Page, file: string, name: string): Promise<void> {
  await page.locator('#dataset-file').setInputFiles(file);
  await page.getByLabel('Dataset name').fill(name);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('region', { name: 'Validation report' }).waitFor({ timeout: 60_000 });
}

/** Puts the editor's cursor at the end of a 1-based line. */
export async function gotoLineEnd(page: Page, line: number): Promise<void> {
  await page.getByRole('textbox', { name: 'Pipeline source' }).focus();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
}

export interface ApiRunStatus {
  status: { status: string; stages: { id: string; state: string; cache: { hit: boolean } | null }[] };
}

/** Polls GET /api/runs/ID until the run is final. */
export async function waitForRun(base: string, id: string, timeoutMs = 120_000): Promise<ApiRunStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = (await (await fetch(`${base}/api/runs/${id}`)).json()) as ApiRunStatus;
    if (['succeeded', 'failed', 'cancelled'].includes(r.status.status)) return r;
    if (Date.now() > deadline) throw new Error(`run ${id} did not finish within ${timeoutMs} ms (${r.status.status})`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}
