/**
 * Chat templates (Jinja, rendered with @huggingface/jinja with trim_blocks/lstrip_blocks, like
 * transformers' apply_chat_template) and the training view of a conversation: token ids plus a
 * mask of the tokens the loss counts (assistant turns with weight ≠ 0).
 *
 * The rendered text is tokenized as a whole with add_special_tokens = false (the template emits
 * <s> itself), exactly as HF does. Assistant spans are found by rendering prefixes of the
 * conversation — the text before an assistant turn is render(messages[:k], generation prompt),
 * the text through it is render(messages[:k+1]) — and mapping those character offsets to token
 * boundaries by tokenizing the prefix and taking its longest common prefix with the full ids.
 * Tokenizing the pieces separately would be wrong: text after a special token is normalised on its
 * own (legacy Llama tokenizers prepend "▁" there) and merges can cross a boundary; a token that
 * straddles the start of an assistant turn counts as the assistant's (the model must produce it).
 */
import { Template } from '@huggingface/jinja';
import type { TextTokenizer } from './tokenizer.ts';

export interface ChatMessage {
  role: string;
  content: string;
  /** OpenAI fine-tuning weight for assistant turns: 0 = context only, 1 (default) = trained on. */
  weight?: number;
}

export interface TrainingExample {
  ids: number[];
  /** labelsMask[t] = 1 when ids[t] is a target: the loss counts predicting ids[t] from ids[:t]. */
  labelsMask: Uint8Array;
  /** The rendered text. */
  text: string;
  /** Token ranges [start, end) of the counted assistant turns. */
  spans: { start: number; end: number; message: number }[];
}

/** For tokenizers without a template: the plain-text format of the project's base models. */
export const FALLBACK_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}{{ 'System: ' + message['content'] + '\\n' }}{% elif message['role'] == 'user' %}{{ 'User: ' + message['content'] + '\\n' }}{% elif message['role'] == 'assistant' %}{{ 'Assistant: ' + message['content'] + eos_token + '\\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";

export class ChatTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChatTemplateError';
  }
}

function commonPrefix(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export class ChatTemplate {
  readonly source: string;
  /** True when the tokenizer had no template and FALLBACK_CHAT_TEMPLATE is used. */
  readonly isFallback: boolean;
  private readonly template: Template;
  private readonly vars: Record<string, unknown>;

  constructor(
    private readonly tokenizer: TextTokenizer,
    source?: string | null
  ) {
    const src = source ?? tokenizer.chatTemplate;
    this.isFallback = !src;
    this.source = src ?? FALLBACK_CHAT_TEMPLATE;
    try {
      this.template = new Template(this.source);
    } catch (e) {
      throw new ChatTemplateError(`chat template does not parse: ${(e as Error).message}`);
    }
    // HF passes the special-token strings (bos_token, eos_token, …) to the template.
    const vars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tokenizer.config)) {
      if (!k.endsWith('_token')) continue;
      if (typeof v === 'string') vars[k] = v;
      else if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') vars[k] = (v as { content: string }).content;
    }
    vars.bos_token ??= tokenizer.bos?.text ?? '';
    vars.eos_token ??= tokenizer.eos?.text ?? '';
    this.vars = vars;
  }

  /** The prompt text for `messages`; with addGenerationPrompt, ready for the assistant's reply. */
  render(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean } = {}): string {
    try {
      return this.template.render({
        ...this.vars,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        add_generation_prompt: opts.addGenerationPrompt ?? false
      });
    } catch (e) {
      throw new ChatTemplateError(`chat template failed: ${(e as Error).message}`);
    }
  }

  /** Token ids of the rendered conversation (no extra special tokens: the template has them). */
  encode(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean } = {}): number[] {
    return this.tokenizer.encode(this.render(messages, opts), { addSpecialTokens: false });
  }

  /** Ids and the loss mask for training; see the file comment. */
  renderForTraining(messages: ChatMessage[]): TrainingExample {
    const text = this.render(messages);
    const ids = this.tokenizer.encode(text, { addSpecialTokens: false });
    const labelsMask = new Uint8Array(ids.length);
    const spans: TrainingExample['spans'] = [];
    const boundary = (chars: number) => commonPrefix(this.tokenizer.encode(text.slice(0, chars), { addSpecialTokens: false }), ids);
    let cursor = 0;
    messages.forEach((m, k) => {
      if (m.role !== 'assistant' || m.weight === 0) return;
      const chars = this.assistantChars(messages, k, text, cursor);
      cursor = chars.end;
      const start = boundary(chars.start);
      const end = chars.end >= text.length ? ids.length : boundary(chars.end);
      if (end <= start) return;
      labelsMask.fill(1, start, end);
      spans.push({ start, end, message: k });
    });
    return { ids, labelsMask, text, spans };
  }

  /** Character range of assistant message k in the full text: its content and end-of-turn tokens. */
  private assistantChars(messages: ChatMessage[], k: number, text: string, from: number): { start: number; end: number } {
    const before = this.render(messages.slice(0, k), { addGenerationPrompt: true });
    const through = this.render(messages.slice(0, k + 1));
    const eos = String(this.vars.eos_token ?? '');
    if (text.startsWith(before) && text.startsWith(through) && through.length >= before.length) {
      let end = through.length;
      // Stop after the turn's last end-of-sequence token: what follows it (e.g. "\n") is template
      // glue the model never has to generate.
      if (eos) {
        const at = through.lastIndexOf(eos);
        if (at >= before.length) end = at + eos.length;
      }
      return { start: before.length, end };
    }
    // Templates that are not prefix-stable: find the content verbatim after the previous turn.
    const content = messages[k].content;
    const at = text.indexOf(content, from);
    if (at < 0) throw new ChatTemplateError(`cannot locate assistant message ${k} in the rendered conversation (the chat template changes its text)`);
    let end = at + content.length;
    if (eos && text.startsWith(eos, end)) end += eos.length;
    return { start: at, end };
  }
}
