/**
 * The HTTP edge of the API with web-standard Request/Response only (no SvelteKit), so the /v1
 * routes stay a dozen lines and the behaviour is testable without a server: JSON bodies with a
 * size limit, JSON and error responses in OpenAI's shape, and the chat stream as server-sent
 * events ending with `data: [DONE]`.
 */
import { asOpenAIError, badParam, OpenAIError } from './errors.ts';

export const JSON_LIMIT = 8 * 1024 * 1024;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

export function errorResponse(e: unknown, where?: string): Response {
  const err = asOpenAIError(e);
  if (err.status >= 500) console.error(`tunebench: ${where ?? 'request'} failed:`, e);
  // A refused upload leaves unread bytes on the connection: close it rather than let a client reuse it.
  const headers = err.status === 413 ? { ...JSON_HEADERS, connection: 'close' } : JSON_HEADERS;
  return new Response(JSON.stringify(err.body()), { status: err.status, headers });
}

/** Reads a JSON object body; 413 over the limit, 400 with the position for bad JSON. */
export async function readJsonBody(request: Request, maxBytes = JSON_LIMIT): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw new OpenAIError(413, `the request body is larger than ${maxBytes} bytes`, { code: 'request_too_large' });
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    for await (const c of request.body as unknown as AsyncIterable<Uint8Array>) {
      total += c.byteLength;
      if (total > maxBytes) throw new OpenAIError(413, `the request body is larger than ${maxBytes} bytes`, { code: 'request_too_large' });
      chunks.push(c);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw badParam(null, 'The request body is empty: send a JSON object (content-type application/json).', 'invalid_body');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badParam(null, `We could not parse the JSON body of your request: ${(e as Error).message}`, 'invalid_json');
  }
}

/** Server-sent events of JSON chunks, then `data: [DONE]`; an error mid-stream is sent as {"error": …}. */
export function sseJson(request: Request, chunks: AsyncGenerator<unknown>): Response {
  const enc = new TextEncoder();
  let stopped = false;
  const stop = () => {
    stopped = true;
    void chunks.return(undefined);
  };
  request.signal.addEventListener('abort', stop, { once: true });
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const r = await chunks.next();
        if (stopped) return;
        if (r.done) {
          controller.enqueue(enc.encode('data: [DONE]\n\n'));
          controller.close();
          request.signal.removeEventListener('abort', stop);
          return;
        }
        controller.enqueue(enc.encode(`data: ${JSON.stringify(r.value)}\n\n`));
      } catch (e) {
        if (stopped) return;
        controller.enqueue(enc.encode(`data: ${JSON.stringify(asOpenAIError(e).body())}\n\n`));
        controller.close();
      }
    },
    cancel() {
      stop();
    }
  });
  return new Response(stream, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' } });
}
