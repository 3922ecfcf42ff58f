/**
 * Streams a chat completion from /v1/chat/completions (stream: true) in the browser: reads the
 * server-sent events, hands each text delta to `onDelta`, and resolves with the whole answer,
 * its finish reason, usage and the time to first token as the browser saw it. Errors arrive as
 * OpenAI error bodies (before the stream, or as a data line inside it) and reject with their message.
 */

export interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string[];
  seed?: number;
}

export interface ChatResult {
  text: string;
  finish: string | null;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  ttftMs: number | null;
  totalMs: number;
}

interface Chunk {
  choices?: { delta?: { content?: string }; finish_reason?: string | null }[];
  usage?: ChatResult['usage'];
  error?: { message: string };
}

export async function streamChat(body: ChatBody, opts: { onDelta: (text: string) => void; signal?: AbortSignal }): Promise<ChatResult> {
  const t0 = performance.now();
  const res = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
    signal: opts.signal
  });
  if (!res.ok || !res.body) {
    const err = (await res.json().catch(() => null)) as Chunk | null;
    throw new Error(err?.error?.message ?? `the server answered ${res.status}`);
  }
  const out: ChatResult = { text: '', finish: null, usage: null, ttftMs: null, totalMs: 0 };
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += value;
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const event = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data: ')) continue;
        const data = line.slice(6);
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data) as Chunk;
        if (chunk.error) throw new Error(chunk.error.message);
        for (const c of chunk.choices ?? []) {
          const text = c.delta?.content ?? '';
          if (text) {
            out.ttftMs ??= performance.now() - t0;
            out.text += text;
            opts.onDelta(text);
          }
          if (c.finish_reason) out.finish = c.finish_reason;
        }
        if (chunk.usage) out.usage = chunk.usage;
      }
    }
  }
  out.totalMs = performance.now() - t0;
  return out;
}
