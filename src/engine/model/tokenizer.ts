/**
 * Tokenizers from a Hugging Face folder (tokenizer.json + tokenizer_config.json), run by
 * @huggingface/tokenizers (pure JS). Checked against the Rust `tokenizers` library on the shared
 * reference cases (plain text, byte fallback, whitespace edge cases, literal special tokens).
 *
 * Special tokens come from tokenizer_config.json (bos/eos/pad/unk, strings or {content} objects)
 * and its added_tokens_decoder, falling back to tokenizer.json's added_tokens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

export interface SpecialToken {
  id: number;
  text: string;
}

export interface TextTokenizer {
  /** Token ids of `text`. addSpecialTokens (default true) applies the post-processor (e.g. <s>). */
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  /** Ids and token strings. */
  encodeWithTokens(text: string, opts?: { addSpecialTokens?: boolean }): { ids: number[]; tokens: string[] };
  decode(ids: ArrayLike<number>, opts?: { skipSpecialTokens?: boolean }): string;
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  /** Size of the id space (largest id + 1, added tokens included). */
  readonly vocabSize: number;
  readonly bos: SpecialToken | null;
  readonly eos: SpecialToken | null;
  readonly pad: SpecialToken | null;
  readonly unk: SpecialToken | null;
  /** Ids of all special tokens (skipped by decode with skipSpecialTokens). */
  readonly specialIds: ReadonlySet<number>;
  /** The Jinja chat template, or null when the tokenizer has none. */
  readonly chatTemplate: string | null;
  readonly modelMaxLength: number | null;
  /** The raw tokenizer_config.json (for template variables). */
  readonly config: Record<string, unknown>;
}

export class TokenizerError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'TokenizerError';
  }
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new TokenizerError(file, `cannot read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new TokenizerError(file, `is not valid JSON: ${(e as Error).message}`);
  }
}

function tokenText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return null;
}

/** Loads the tokenizer of a model folder. */
export function loadTokenizer(dir: string): TextTokenizer {
  const tjFile = path.join(dir, 'tokenizer.json');
  if (!fs.existsSync(tjFile)) throw new TokenizerError(tjFile, 'is missing (tunebench needs the fast-tokenizer file tokenizer.json)');
  const tj = readJson(tjFile);
  const cfgFile = path.join(dir, 'tokenizer_config.json');
  const cfg = fs.existsSync(cfgFile) ? readJson(cfgFile) : {};
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(tj, cfg);
  } catch (e) {
    throw new TokenizerError(tjFile, `cannot be loaded: ${(e as Error).message}`);
  }
  return wrapTokenizer(tok, tj, cfg, chatTemplateOf(dir, cfg));
}

/** The chat template: chat_template.jinja beside the tokenizer, else tokenizer_config's field
 * (a string, or a list of named templates of which "default" is used). */
function chatTemplateOf(dir: string, cfg: Record<string, unknown>): string | null {
  const file = path.join(dir, 'chat_template.jinja');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  const t = cfg.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const d = (t as { name?: string; template?: string }[]).find((x) => x.name === 'default');
    return typeof d?.template === 'string' ? d.template : null;
  }
  return null;
}

function wrapTokenizer(tok: Tokenizer, tj: Record<string, unknown>, cfg: Record<string, unknown>, chatTemplate: string | null): TextTokenizer {
  const special = new Set<number>();
  for (const a of (tj.added_tokens as { id: number; special?: boolean }[] | undefined) ?? []) if (a.special) special.add(a.id);
  for (const [id, a] of Object.entries((cfg.added_tokens_decoder as Record<string, { special?: boolean }> | undefined) ?? {})) if (a.special) special.add(Number(id));
  const named = (key: string): SpecialToken | null => {
    const text = tokenText(cfg[key]);
    if (text === null) return null;
    const id = tok.token_to_id(text);
    return id === undefined ? null : { id, text };
  };
  const vocab = tok.get_vocab(true);
  let maxId = -1;
  for (const id of vocab.values()) if (id > maxId) maxId = id;
  const mml = cfg.model_max_length;
  return {
    encode: (text, opts) => tok.encode(text, { add_special_tokens: opts?.addSpecialTokens ?? true }).ids,
    encodeWithTokens: (text, opts) => {
      const e = tok.encode(text, { add_special_tokens: opts?.addSpecialTokens ?? true });
      return { ids: e.ids, tokens: e.tokens };
    },
    decode: (ids, opts) => tok.decode(Array.from(ids), { skip_special_tokens: opts?.skipSpecialTokens ?? false }),
    idToToken: (id) => tok.id_to_token(id),
    tokenToId: (t) => tok.token_to_id(t),
    vocabSize: maxId + 1,
    bos: named('bos_token'),
    eos: named('eos_token'),
    pad: named('pad_token'),
    unk: named('unk_token'),
    specialIds: special,
    chatTemplate,
    modelMaxLength: typeof mml === 'number' && mml < 1e12 ? mml : null,
    config: cfg
  };
}
