/**
 * chat.completions: resolve the model (base, fine-tuned or checkpoint), generate on the pool's
 * worker threads, and answer as one chat.completion or as a stream of chat.completion.chunk
 * objects. Every request is recorded in the serving metrics with its time to first token,
 * measured from the moment the request arrived to the first generated token.
 */
import type { Workspace } from '../../workspace.ts';
import { asOpenAIError } from '../errors.ts';
import { resolveModelId } from '../models/catalog.ts';
import { recordServing } from '../serving/metrics.ts';
import type { ChatPool, GenerateEvent } from './pool.ts';
import { DEFAULT_MAX_TOKENS, parseChatRequest, type ChatRequest } from './request.ts';
import { completionId, usage, type ChatCompletion, type ChatCompletionChunk } from './responses.ts';

export interface ChatContext {
  ws: Workspace;
  pool: ChatPool;
  env?: NodeJS.ProcessEnv;
}

const FINGERPRINT = 'fp_tunebench';

interface Prepared {
  req: ChatRequest;
  events: AsyncGenerator<GenerateEvent>;
  started: number;
}

async function prepare(ctx: ChatContext, body: unknown, started: number): Promise<Prepared> {
  const req = parseChatRequest(body);
  const info = await resolveModelId(ctx.ws, req.model, ctx.env);
  const events = ctx.pool.generate(
    { key: info.dir, dir: info.dir, kind: info.kind },
    { messages: req.messages, maxTokens: req.maxTokens, defaultMaxTokens: DEFAULT_MAX_TOKENS, temperature: req.temperature, topP: req.topP, topK: req.topK, seed: req.seed ?? Math.floor(Math.random() * 2 ** 31), stop: req.stop, n: req.n }
  );
  return { req, events, started };
}

class Meter {
  ttft: number | null = null;
  promptTokens = 0;
  completionTokens = 0;
  decodeMs = 0;
  loadMs = 0;
  constructor(
    private readonly ctx: ChatContext,
    private readonly req: ChatRequest,
    private readonly started: number
  ) {}
  see(e: GenerateEvent): void {
    if (e.type === 'start') {
      this.promptTokens = e.promptTokens;
      this.loadMs = e.loadMs;
    } else if (e.type === 'token' && this.ttft === null) this.ttft = performance.now() - this.started;
    else if (e.type === 'done') {
      this.completionTokens = e.choices.reduce((n, c) => n + c.completionTokens, 0);
      this.decodeMs = e.decodeMs;
      if (this.ttft === null) this.ttft = performance.now() - this.started;
    }
  }
  record(ok: boolean, status: number): void {
    recordServing(this.ctx.ws, {
      ts: new Date().toISOString(),
      model: this.req.model,
      stream: this.req.stream,
      n: this.req.n,
      ok,
      status,
      ttft_ms: this.ttft === null ? null : Math.round(this.ttft * 10) / 10,
      latency_ms: Math.round((performance.now() - this.started) * 10) / 10,
      prompt_tokens: this.promptTokens,
      completion_tokens: this.completionTokens,
      decode_tokens_per_s: this.decodeMs > 0 ? Math.round((this.completionTokens / this.decodeMs) * 10000) / 10 : null,
      load_ms: Math.round(this.loadMs)
    });
  }
}

/** Non-streaming: waits for the whole answer. */
export async function chatCompletion(ctx: ChatContext, body: unknown, started = performance.now()): Promise<ChatCompletion> {
  const p = await prepare(ctx, body, started);
  const meter = new Meter(ctx, p.req, started);
  try {
    for await (const e of p.events) {
      meter.see(e);
      if (e.type === 'done') {
        meter.record(true, 200);
        return {
          id: completionId(),
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: p.req.model,
          system_fingerprint: FINGERPRINT,
          choices: e.choices.map((c, index) => ({ index, message: { role: 'assistant', content: c.text, refusal: null }, logprobs: null, finish_reason: c.finishReason })),
          usage: usage(e.promptTokens, meter.completionTokens)
        };
      }
    }
    throw new Error('generation ended without a result');
  } catch (e) {
    const err = asOpenAIError(e);
    meter.record(false, err.status);
    throw err;
  }
}

/**
 * Streaming: validates and resolves the model first (errors are a normal JSON error response),
 * then returns the chunks. The first chunk of each choice carries the role; the last its
 * finish_reason; with include_usage a final chunk has empty choices and the usage.
 */
export async function chatCompletionStream(ctx: ChatContext, body: unknown, started = performance.now()): Promise<AsyncGenerator<ChatCompletionChunk>> {
  const p = await prepare(ctx, body, started);
  const meter = new Meter(ctx, p.req, started);
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: ChatCompletionChunk['choices'], extra: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk => ({ id, object: 'chat.completion.chunk', created, model: p.req.model, system_fingerprint: FINGERPRINT, choices, ...extra });
  // Pull the first event now: a model that fails to load still gets a JSON error, not a broken stream.
  const first = await p.events.next().catch((e) => {
    const err = asOpenAIError(e);
    meter.record(false, err.status);
    throw err;
  });
  return (async function* () {
    let ok = false;
    try {
      for (let i = 0; i < p.req.n; i++) yield chunk([{ index: i, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
      let r = first;
      while (!r.done) {
        const e = r.value;
        meter.see(e);
        if (e.type === 'token') yield chunk([{ index: e.row, delta: { content: e.text }, logprobs: null, finish_reason: null }]);
        else if (e.type === 'done') {
          for (let i = 0; i < e.choices.length; i++) yield chunk([{ index: i, delta: {}, logprobs: null, finish_reason: e.choices[i].finishReason }]);
          if (p.req.includeUsage) yield chunk([], { usage: usage(e.promptTokens, meter.completionTokens) });
          ok = true;
        }
        r = await p.events.next();
      }
    } finally {
      meter.record(ok, ok ? 200 : 499);
      await p.events.return(undefined);
    }
  })();
}
