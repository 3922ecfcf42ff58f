/**
 * A generation worker thread: takes generate jobs in arrival order, renders each conversation
 * with the model's chat template, generates with the KV cache and posts every token's text as it
 * comes. Models stay loaded between jobs (model-cache.ts). A cancel (the client went away) stops
 * the job's tokens; a job that is alone in its batch stops generating at once.
 *
 * Batching: greedy single-choice requests that wait in the queue for the same model with the same
 * max_tokens and stop sequences run together as one batch (left-padded, one KV cache): decoding
 * costs about the same per step for 1 or 8 rows on this backend (the time goes to per-kernel
 * overhead), so concurrent clients share the steps instead of queueing behind each other. Sampled
 * requests run alone: their seeds must give the same text as they would alone.
 */
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../../train/backend.ts';
import { generateBatch } from '../../generate/generate.ts';
import { ModelCache } from './model-cache.ts';
import type { FromWorker, GenerateJob, ToWorker } from './protocol.ts';

const MAX_BATCH = 8;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const cache = new ModelCache();
const queue: GenerateJob[] = [];
const cancelled = new Set<number>();
let busy = false;

class Cancelled extends Error {}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly param: string | null = null
  ) {
    super(message);
  }
}

function batchable(a: GenerateJob, b: GenerateJob): boolean {
  return a.model.key === b.model.key && a.n === 1 && b.n === 1 && a.temperature === 0 && b.temperature === 0 && a.maxTokens !== null && a.maxTokens === b.maxTokens && a.stop.join('\u0000') === b.stop.join('\u0000');
}

function fail(id: number, e: unknown): void {
  if (e instanceof Cancelled) post({ type: 'error', id, status: 499, message: 'cancelled: the client went away', code: 'cancelled', param: null });
  else if (e instanceof RequestError) post({ type: 'error', id, status: e.status, message: e.message, code: e.code, param: e.param });
  else post({ type: 'error', id, status: 500, message: `generation failed: ${(e as Error)?.message ?? String(e)}`, code: 'generation_failed', param: null });
}

/** Runs jobs that share a model and settings as one batch (rows: one per job, or n per single job). */
async function run(jobs: GenerateJob[]): Promise<void> {
  const first = jobs[0];
  const { lm, loadMs } = cache.get(first.model);
  if (!lm.chat || !lm.tokenizer) throw new RequestError(400, 'this model has no tokenizer, so it cannot chat', 'model_without_tokenizer', 'model');
  const context = lm.model.config.maxPositions;
  const live: { job: GenerateJob; prompt: number[] }[] = [];
  for (const job of jobs) {
    try {
      const prompt = lm.chat.encode(job.messages, { addGenerationPrompt: true });
      if (prompt.length >= context) throw new RequestError(400, `This model's maximum context length is ${context} tokens; the messages have ${prompt.length}. Shorten them.`, 'context_length_exceeded', 'messages');
      const room = context - prompt.length;
      if (job.maxTokens !== null && job.maxTokens > room) throw new RequestError(400, `max_tokens is too large: ${job.maxTokens}. This model's maximum context length is ${context} tokens and the messages use ${prompt.length}, so at most ${room} can be generated.`, 'context_length_exceeded', 'max_tokens');
      live.push({ job, prompt });
    } catch (e) {
      fail(job.id, e);
    }
  }
  if (!live.length) return;
  const rows = live.length === 1 ? Array.from({ length: first.n }, () => live[0].prompt) : live.map((l) => l.prompt);
  const room = context - Math.max(...rows.map((r) => r.length));
  const maxTokens = first.maxTokens ?? Math.min(first.defaultMaxTokens, room);
  const jobOfRow = (row: number) => (live.length === 1 ? live[0].job : live[row].job);
  for (const l of live) post({ type: 'start', id: l.job.id, promptTokens: l.prompt.length, loadMs });
  const { results, stats } = await generateBatch(lm, rows, {
    maxTokens,
    temperature: first.temperature,
    topP: first.topP,
    topK: first.topK,
    seed: first.seed,
    stop: first.stop,
    onToken: (e) => {
      const job = jobOfRow(e.row);
      if (cancelled.has(job.id)) {
        if (live.every((l) => cancelled.has(l.job.id))) throw new Cancelled();
        return;
      }
      if (e.text) post({ type: 'token', id: job.id, row: live.length === 1 ? e.row : 0, text: e.text });
    }
  });
  for (let i = 0; i < live.length; i++) {
    const mine = live.length === 1 ? results : [results[i]];
    post({
      type: 'done',
      id: live[i].job.id,
      promptTokens: live[i].prompt.length,
      prefillMs: stats.prefillMs,
      decodeMs: stats.decodeMs,
      loaded: cache.keys(),
      choices: mine.map((r) => ({ text: r.text, finishReason: r.finishReason, completionTokens: r.ids.length }))
    });
  }
}

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    for (let job = queue.shift(); job; job = queue.shift()) {
      if (cancelled.delete(job.id)) continue;
      const batch = [job];
      for (let i = 0; i < queue.length && batch.length < MAX_BATCH; ) {
        if (batchable(job, queue[i]) && !cancelled.has(queue[i].id)) batch.push(...queue.splice(i, 1));
        else i++;
      }
      try {
        await run(batch);
      } catch (e) {
        for (const j of batch) fail(j.id, e);
      } finally {
        for (const j of batch) cancelled.delete(j.id);
      }
    }
  } finally {
    busy = false;
  }
}

const backend = await initBackend();
post({ type: 'ready', backend: backend.backend });
port.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') cancelled.add(m.id);
  else {
    queue.push(m);
    void drain();
  }
});
