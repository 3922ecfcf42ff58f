/**
 * The built server for API tests: started by the e2e harness (node build/index.js on a free port,
 * a fresh temporary workspace) with the shared real models, and an official `openai` client
 * pointed at it. Data is a real slice of ../shared's banking77 conversations.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startApp, type RunningApp } from '../e2e/support/app.ts';
import { shared } from '../support/shared.ts';

export const MODELS = shared('models');
export const BASE_MODEL = 'tinystories-260k';

export async function startApiServer(env: Record<string, string> = {}): Promise<{ app: RunningApp; client: OpenAI }> {
  const app = await startApp({ env: { TUNEBENCH_MODELS: MODELS, ...env } });
  const client = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: env.TUNEBENCH_API_KEY ?? 'not-needed-on-loopback', maxRetries: 0, timeout: 60_000 });
  return { app, client };
}

/** The first `n` lines of a shared dataset, written as a temporary .jsonl file. */
export function datasetSlice(name: string, n: number, from = 0): string {
  const lines = fs.readFileSync(shared('datasets', name), 'utf8').split('\n').filter(Boolean).slice(from, from + n);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunebench-api-data-'));
  const file = path.join(dir, `${name.replace(/\.jsonl$/, '')}-${n}.jsonl`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
