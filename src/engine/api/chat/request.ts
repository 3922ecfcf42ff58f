/**
 * POST /v1/chat/completions bodies → a ChatRequest, or a 400 naming the field. What is read:
 * model, messages (system, developer = system, user, assistant, tool; content a string or text
 * parts), temperature (0..2, default 1 as OpenAI), top_p, max_tokens / max_completion_tokens,
 * stop (a string or up to 4), seed, n (1..8), stream and stream_options.include_usage, plus
 * top_k (not OpenAI's; 0 = off). Features the engine does not have (tools, logprobs, JSON mode,
 * penalties) are refused by name instead of silently ignored.
 */
import { badParam } from '../errors.ts';

export interface ChatMessageIn {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessageIn[];
  temperature: number;
  topP: number;
  topK: number;
  /** null: up to the model's context (capped by DEFAULT_MAX_TOKENS). */
  maxTokens: number | null;
  stop: string[];
  seed: number | null;
  n: number;
  stream: boolean;
  includeUsage: boolean;
}

/** New tokens when the request sets no limit (OpenAI's is "until the context is full"). */
export const DEFAULT_MAX_TOKENS = 256;

type Body = Record<string, unknown>;

const isObject = (v: unknown): v is Body => !!v && typeof v === 'object' && !Array.isArray(v);

function num(body: Body, key: string, opts: { min: number; max: number; int?: boolean; minExclusive?: boolean }): number | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  const ok = typeof v === 'number' && Number.isFinite(v) && (!opts.int || Number.isInteger(v)) && (opts.minExclusive ? v > opts.min : v >= opts.min) && v <= opts.max;
  if (!ok) throw badParam(key, `Invalid '${key}': ${JSON.stringify(v)}. Expected ${opts.int ? 'a whole number' : 'a number'} ${opts.minExclusive ? `greater than ${opts.min}` : `from ${opts.min}`} ${opts.minExclusive ? 'and at most' : 'to'} ${opts.max}.`, 'invalid_value');
  return v as number;
}

function content(v: unknown, i: number): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) {
    return v
      .map((p, j) => {
        if (isObject(p) && p.type === 'text' && typeof p.text === 'string') return p.text;
        throw badParam(`messages[${i}].content[${j}]`, 'only text content parts ({"type": "text", "text": "..."}) are supported', 'unsupported_content');
      })
      .join('');
  }
  throw badParam(`messages[${i}].content`, 'content must be a string or an array of text parts', 'invalid_type');
}

const UNSUPPORTED: Record<string, (v: unknown) => boolean> = {
  tools: (v) => Array.isArray(v) && v.length > 0,
  functions: (v) => Array.isArray(v) && v.length > 0,
  logprobs: (v) => v === true,
  top_logprobs: (v) => v !== null && v !== undefined && v !== 0,
  presence_penalty: (v) => typeof v === 'number' && v !== 0,
  frequency_penalty: (v) => typeof v === 'number' && v !== 0,
  logit_bias: (v) => isObject(v) && Object.keys(v).length > 0,
  response_format: (v) => isObject(v) && v.type !== 'text',
  audio: (v) => v !== null && v !== undefined
};

export function parseChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) throw badParam(null, 'The request body must be a JSON object.', 'invalid_body');
  if (typeof body.model !== 'string' || !body.model) throw badParam('model', "Missing required parameter: 'model'.", 'missing_required_parameter');
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw badParam('messages', "'messages' must be a non-empty array of {role, content}.", body.messages === undefined ? 'missing_required_parameter' : 'invalid_value');
  for (const [k, bad] of Object.entries(UNSUPPORTED)) if (bad(body[k])) throw badParam(k, `'${k}' is not supported by tunebench's models`, 'unsupported_parameter');
  const messages = body.messages.map((m: unknown, i: number): ChatMessageIn => {
    if (!isObject(m)) throw badParam(`messages[${i}]`, 'each message must be an object with role and content', 'invalid_type');
    const role = m.role === 'developer' ? 'system' : m.role;
    if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'tool') throw badParam(`messages[${i}].role`, `Invalid role ${JSON.stringify(m.role)}: use system, developer, user, assistant or tool`, 'invalid_value');
    return { role, content: content(m.content, i) };
  });
  const maxTokens = num(body, 'max_completion_tokens', { min: 1, max: 1 << 20, int: true }) ?? num(body, 'max_tokens', { min: 1, max: 1 << 20, int: true });
  let stop: string[] = [];
  if (typeof body.stop === 'string') stop = [body.stop];
  else if (Array.isArray(body.stop)) {
    if (body.stop.length > 4 || body.stop.some((s) => typeof s !== 'string' || !s)) throw badParam('stop', "'stop' must be a non-empty string or up to 4 of them", 'invalid_value');
    stop = body.stop as string[];
  } else if (body.stop !== undefined && body.stop !== null) throw badParam('stop', "'stop' must be a string or an array of strings", 'invalid_type');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') throw badParam('stream', "'stream' must be true or false", 'invalid_type');
  const so = body.stream_options;
  if (so !== undefined && so !== null && !body.stream) throw badParam('stream_options', "'stream_options' is only allowed with stream: true", 'invalid_value');
  return {
    model: body.model,
    messages,
    temperature: num(body, 'temperature', { min: 0, max: 2 }) ?? 1,
    topP: num(body, 'top_p', { min: 0, max: 1, minExclusive: true }) ?? 1,
    topK: num(body, 'top_k', { min: 0, max: 1_000_000, int: true }) ?? 0,
    maxTokens,
    stop,
    seed: num(body, 'seed', { min: -(2 ** 53), max: 2 ** 53, int: true }),
    n: num(body, 'n', { min: 1, max: 8, int: true }) ?? 1,
    stream: body.stream === true,
    includeUsage: isObject(so) && so.include_usage === true
  };
}
