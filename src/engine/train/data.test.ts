import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRows } from '../data/duckdb.ts';
import { MESSAGE_STRUCT } from '../data/schema.ts';
import { loadTokenizer } from '../model/tokenizer.ts';
import { ChatTemplate } from '../model/chat-template.ts';
import { describeShared, shared } from '../../../tests/support/shared.ts';
import { readConversations, tokenizeConversations, toChatMessages } from './data.ts';
import { defaultTrainableTokens } from './tokens.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunebench-train-data-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const msg = (role: string, content: string | null, weight: number | null = null, toolCalls: string | null = null) =>
  `{'role': '${role}', 'content': ${content === null ? 'NULL' : `'${content}'`}, 'weight': ${weight ?? 'NULL'}, 'name': NULL, 'tool_calls': ${toolCalls ? `'${toolCalls}'` : 'NULL'}, 'tool_call_id': NULL, 'function_call': NULL}`;

describe('reading canonical conversations', () => {
  it('streams messages from Parquet in row order, with weights and tool calls', async () => {
    const file = path.join(dir, 'conv.parquet');
    const rows = Array.from({ length: 2500 }, (_, i) =>
      i === 1 ? `([${msg('user', 'call it')}, ${msg('assistant', null, null, '[{"id":"c1"}]')}]::${MESSAGE_STRUCT}[])` : `([${msg('system', 'sys')}, ${msg('user', `q${i}`)}, ${msg('assistant', `a${i}`, i === 2 ? 0 : null)}]::${MESSAGE_STRUCT}[])`
    );
    await queryRows(`COPY (SELECT * FROM (VALUES ${rows.join(', ')}) AS t(messages)) TO '${file}' (FORMAT parquet)`);
    const conv = await readConversations(file);
    expect(conv).toHaveLength(2500);
    expect(conv[0]).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'q0' },
      { role: 'assistant', content: 'a0', weight: 1 }
    ]);
    expect(conv[2][2]).toEqual({ role: 'assistant', content: 'a2', weight: 0 });
    expect(conv[1][1]).toEqual({ role: 'assistant', content: '[{"id":"c1"}]', weight: 1 });
    expect(conv[2499][1].content).toBe('q2499');
    expect(await readConversations(file, { limit: 3 })).toHaveLength(3);
  });

  it('maps canonical weights: assistant turns train unless weight 0', () => {
    const m = toChatMessages([
      { role: 'user', content: 'u', weight: null, name: null, tool_calls: null, tool_call_id: null, function_call: null },
      { role: 'assistant', content: 'a', weight: 0, name: null, tool_calls: null, tool_call_id: null, function_call: null }
    ]);
    expect(m).toEqual([{ role: 'user', content: 'u' }, { role: 'assistant', content: 'a', weight: 0 }]);
  });
});

describeShared('tokenizing for training (tinystories-260k chat template)', () => {
  const tok = loadTokenizer(shared('models', 'tinystories-260k'));
  const chat = new ChatTemplate(tok);

  it('counts only trainable assistant tokens, truncates long conversations and drops ones left without targets', () => {
    const long = 'word '.repeat(200);
    const { examples, report } = tokenizeConversations(
      chat,
      [
        [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello there', weight: 1 }],
        [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'ignored', weight: 0 }, { role: 'user', content: 'again' }, { role: 'assistant', content: 'ok', weight: 1 }],
        [{ role: 'user', content: long }, { role: 'assistant', content: 'cut off', weight: 1 }],
        [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'not trained', weight: 0 }]
      ],
      64
    );
    expect(report).toMatchObject({ conversations: 4, examples: 2, truncated: 1, droppedNoTarget: 2, maxLength: 64 });
    const decodeTargets = (i: number) => tok.decode(Array.from(examples[i].ids).filter((_, t) => examples[i].mask[t]));
    expect(decodeTargets(0)).toBe('Hello there</s>');
    expect(decodeTargets(1)).toBe('ok</s>');
    expect(examples[0].targets).toBe(Array.from(examples[0].mask).reduce((a, b) => a + b, 0));
    expect(report.targetTokens).toBe(examples[0].targets + examples[1].targets);
    // The end of turn </s> is a target, and a special token: trained as a token row beside LoRA.
    expect(examples[0].ids[examples[0].ids.length - 3]).toBe(2);
    expect(defaultTrainableTokens(tok, examples)).toEqual([2]);
  });
});
