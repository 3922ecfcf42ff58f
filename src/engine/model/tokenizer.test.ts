/**
 * Tokenizers against the Rust `tokenizers` reference cases in ../shared, the chat template
 * against the Jinja2 rendering and ids in tinystories' reference.json, and the training view
 * (assistant-only loss mask) of rendered conversations.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { describeShared, shared, REPO_ROOT } from '../../../tests/support/shared.ts';
import { loadTokenizer } from './tokenizer.ts';
import { ChatTemplate, FALLBACK_CHAT_TEMPLATE } from './chat-template.ts';

interface Case {
  text: string;
  input_ids: number[];
  tokens: string[];
  ids_without_special: number[];
  decoded: string;
  decoded_with_special: string;
}

describeShared('tokenizers reproduce the reference cases exactly', () => {
  for (const model of ['tinystories-260k', 'llama2-tokenizer']) {
    const dir = shared('models', model);
    const ref = fs.existsSync(dir) ? JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')) : { tokenizer_cases: [] };
    it(`${model}: ids, tokens, ids without special tokens and both decodings (${ref.tokenizer_cases.length} cases)`, () => {
      const tok = loadTokenizer(dir);
      expect(ref.tokenizer_cases.length).toBe(18);
      for (const c of ref.tokenizer_cases as Case[]) {
        const e = tok.encodeWithTokens(c.text);
        expect(e.ids, c.text).toEqual(c.input_ids);
        expect(e.tokens, c.text).toEqual(c.tokens);
        expect(tok.encode(c.text, { addSpecialTokens: false }), c.text).toEqual(c.ids_without_special);
        expect(tok.decode(c.input_ids, { skipSpecialTokens: true }), c.text).toBe(c.decoded);
        expect(tok.decode(c.input_ids), c.text).toBe(c.decoded_with_special);
      }
      expect(tok.bos).toEqual({ id: 1, text: '<s>' });
      expect(tok.eos).toEqual({ id: 2, text: '</s>' });
      expect(tok.pad).toBeNull();
      expect([...tok.specialIds].sort()).toEqual([0, 1, 2]);
    });
  }

  it('tinystories prompts tokenize to the reference input ids', () => {
    const dir = shared('models', 'tinystories-260k');
    const ref = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'));
    const tok = loadTokenizer(dir);
    expect(tok.vocabSize).toBe(512);
    for (const p of ref.prompts) expect(tok.encode(p.text)).toEqual(p.input_ids);
  });
});

describeShared('chat template', () => {
  const dir = shared('models', 'tinystories-260k');
  const ref = fs.existsSync(dir) ? JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')).chat_template_example : null;

  it('renders like Jinja2 (trim_blocks, lstrip_blocks) and tokenizes to the reference ids', () => {
    const chat = new ChatTemplate(loadTokenizer(dir));
    expect(chat.isFallback).toBe(false);
    expect(chat.render(ref.messages, { addGenerationPrompt: true })).toBe(ref.rendered);
    expect(chat.encode(ref.messages, { addGenerationPrompt: true })).toEqual(ref.input_ids);
    const w = ref.without_generation_prompt;
    expect(chat.render(w.messages)).toBe(w.rendered);
    expect(chat.encode(w.messages)).toEqual(w.input_ids);
  });

  it('renderForTraining: ids equal the whole-text tokenization; the mask covers assistant content and </s> only', () => {
    const tok = loadTokenizer(dir);
    const chat = new ChatTemplate(tok);
    const w = ref.without_generation_prompt;
    const ex = chat.renderForTraining(w.messages);
    expect(ex.ids).toEqual(w.input_ids);
    expect(ex.spans).toHaveLength(1);
    const masked = ex.ids.filter((_, i) => ex.labelsMask[i]);
    // "▁The cat was soft and happy.</s>" as the model must produce it after "Assistant:" (the
    // decoder strips the leading space of a decoded sequence).
    expect(tok.idToToken(masked[0])).toBe('▁The');
    expect(tok.decode(masked)).toBe('The cat was soft and happy.</s>');
    expect(masked[masked.length - 1]).toBe(2);
    expect(ex.labelsMask[ex.ids.length - 1]).toBe(0); // the "\n" after </s> is template glue
    // Everything before the assistant turn is context.
    expect(tok.decode(ex.ids.slice(0, ex.spans[0].start))).toBe('<s> System: You are a friendly storyteller.\nUser: Tell me about a cat.\nAssistant:');
  });

  it('renderForTraining honours per-message weight 0 and multiple assistant turns', () => {
    const tok = loadTokenizer(dir);
    const chat = new ChatTemplate(tok);
    const messages = [
      { role: 'user', content: 'Hi.' },
      { role: 'assistant', content: 'Hello there.', weight: 0 },
      { role: 'user', content: 'Tell a story.' },
      { role: 'assistant', content: 'Once upon a time.' }
    ];
    const ex = chat.renderForTraining(messages);
    expect(ex.ids).toEqual(tok.encode(chat.render(messages), { addSpecialTokens: false }));
    expect(ex.spans.map((s) => s.message)).toEqual([3]);
    expect(tok.decode(ex.ids.filter((_, i) => ex.labelsMask[i]))).toBe('Once upon a time.</s>');
    const both = chat.renderForTraining(messages.map((m) => ({ ...m, weight: 1 })));
    expect(both.spans.map((s) => s.message)).toEqual([1, 3]);
    expect(tok.decode(both.ids.slice(both.spans[0].start, both.spans[0].end))).toBe('Hello there.</s>');
  });

  it('renderForTraining locates turns when a template is not prefix-stable', () => {
    const tok = loadTokenizer(dir);
    // Renders the number of messages up front, so shorter prefixes are not prefixes of the whole.
    const chat = new ChatTemplate(tok, "{{ messages|length }} turns\n{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}{% if m['role'] == 'assistant' %}{{ eos_token }}{% endif %}\n{% endfor %}");
    const ex = chat.renderForTraining([{ role: 'user', content: 'Hi.' }, { role: 'assistant', content: 'A cat sat.' }]);
    expect(tok.decode(ex.ids.filter((_, i) => ex.labelsMask[i]))).toBe('A cat sat.</s>');
  });
});

describe('fallback chat template', () => {
  it('is used when the tokenizer has none (GPT-2 fixture) and renders the plain-text format', () => {
    const tok = loadTokenizer(path.join(REPO_ROOT, 'tests/fixtures/gpt2/model'));
    const chat = new ChatTemplate(tok);
    expect(chat.isFallback).toBe(true);
    expect(chat.source).toBe(FALLBACK_CHAT_TEMPLATE);
    const text = chat.render([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'the cat' }, { role: 'assistant', content: 'a dog' }], { addGenerationPrompt: false });
    expect(text).toBe('<|endoftext|>System: Be brief.\nUser: the cat\nAssistant: a dog<|endoftext|>\n');
    const ex = chat.renderForTraining([{ role: 'user', content: 'the cat' }, { role: 'assistant', content: 'a dog' }]);
    expect(tok.decode(ex.ids.filter((_, i) => ex.labelsMask[i]))).toBe(' a dog<|endoftext|>');
  });

  it('GPT-2 byte-level tokenizer matches the Python reference encoder on ASCII cases', () => {
    const ref = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tests/fixtures/gpt2/reference.json'), 'utf8'));
    const tok = loadTokenizer(path.join(REPO_ROOT, 'tests/fixtures/gpt2/model'));
    for (const c of ref.tokenizer_cases as { text: string; ids: number[] }[]) {
      expect(tok.encode(c.text), c.text).toEqual(c.ids);
      expect(tok.decode(c.ids), c.text).toBe(c.text);
    }
  });
});
