/**
 * Round trips: each format, written here, imported, and read back from the stored Parquet; plus
 * the real datasets in ../shared, whose different formats hold the same rows in the same order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeShared, shared } from '../support/shared.ts';
import { importDataset } from '../../src/engine/data/import.ts';
import { conversationId } from '../../src/engine/data/canonical.ts';
import { queryRows, sqlString } from '../../src/engine/data/duckdb.ts';
import { readCatalog, versionPath } from '../../src/engine/data/catalog.ts';
import { CORE_COLUMNS, TRAILING_COLUMNS } from '../../src/engine/data/schema.ts';
import type { Workspace } from '../../src/engine/workspace.ts';
import { datasetRows, tempDir, tempWorkspace, writeFile } from './helpers.ts';

type Msg = { role: string; content: string | null; weight: number | null; name: string | null; tool_calls: string | null; tool_call_id: string | null; function_call: string | null };
type Row = { conversation_id: string; messages: Msg[]; tools: string | null; source_line: number; turns: number; user_text: string; assistant_text: string; system_text: string; chars: number; [k: string]: unknown };

const m = (role: string, content: string | null, extra: Partial<Msg> = {}): Msg => ({ role, content, weight: null, name: null, tool_calls: null, tool_call_id: null, function_call: null, ...extra });

async function importOk(ws: Workspace, file: string, opts: Parameters<typeof importDataset>[2] = {}) {
  const r = await importDataset(ws, file, opts);
  expect(r.ok, `${r.message}\n${JSON.stringify(r.findings.filter((f) => f.severity === 'error').slice(0, 3))}`).toBe(true);
  return r;
}

describe('format round trips (own fixtures)', () => {
  let ws: Workspace;
  let dir: string;
  const toolCalls = [{ id: 'c1', type: 'function', function: { name: 'track', arguments: '{}' } }];
  const records = [
    { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Where is ORD-123456?' }, { role: 'assistant', content: 'On its way.' }], intent: 'shipping', style: 'concise' },
    {
      messages: [
        { role: 'user', content: '你好：退货' },
        { role: 'assistant', content: 'Sure', weight: 0 },
        { role: 'user', content: 'Thanks 🎉' },
        { role: 'assistant', content: 'Bye', weight: 1 }
      ],
      intent: 'returns',
      priority: 2,
      tags: ['a', 'b']
    },
    {
      messages: [
        { role: 'user', content: 'Track my card' },
        { role: 'assistant', content: null, tool_calls: toolCalls },
        { role: 'tool', tool_call_id: 'c1', content: '{"status":"shipped"}' },
        { role: 'assistant', content: 'It shipped.', name: 'agent' }
      ],
      tools: [{ type: 'function', function: { name: 'track' } }]
    }
  ];
  const expected: Msg[][] = [
    [m('system', 'Be brief.'), m('user', 'Where is ORD-123456?'), m('assistant', 'On its way.')],
    [m('user', '你好：退货'), m('assistant', 'Sure', { weight: 0 }), m('user', 'Thanks 🎉'), m('assistant', 'Bye', { weight: 1 })],
    [
      m('user', 'Track my card'),
      m('assistant', null, { tool_calls: JSON.stringify(toolCalls) }),
      m('tool', '{"status":"shipped"}', { tool_call_id: 'c1' }),
      m('assistant', 'It shipped.', { name: 'agent' })
    ]
  ];

  beforeAll(async () => {
    ws = await tempWorkspace();
    dir = tempDir();
  });

  it('openai JSONL: messages, weights, tools, metadata and derived columns survive', async () => {
    const file = writeFile(dir, 'chat.jsonl', records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const r = await importOk(ws, file, { name: 'chat' });
    expect(r.rows).toBe(3);
    const rows = await datasetRows<Row>(ws, 'chat');
    expect(rows.map((x) => x.messages)).toEqual(expected);
    expect(rows.map((x) => x.source_line)).toEqual([1, 2, 3]);
    expect(rows.map((x) => [x.intent, x.style, x.priority, x.tags])).toEqual([
      ['shipping', 'concise', null, null],
      ['returns', null, '2', '["a","b"]'],
      [null, null, null, null]
    ]);
    expect(rows[2].tools).toBe(JSON.stringify(records[2].tools));
    expect(rows.map((x) => x.conversation_id)).toEqual(expected.map((msgs, i) => conversationId(msgs as never, i === 2 ? JSON.stringify(records[2].tools) : null)));
    expect(rows.map((x) => [x.turns, x.user_text, x.assistant_text, x.system_text])).toEqual([
      [2, 'Where is ORD-123456?', 'On its way.', 'Be brief.'],
      [4, '你好：退货\nThanks 🎉', 'Sure\nBye', ''],
      [4, 'Track my card\n{"status":"shipped"}'.split('\n')[0], 'It shipped.', '']
    ]);
    expect(rows[1].chars).toBe([...'你好：退货SureThanks 🎉Bye'].length);
    const cols = (await readCatalog(ws)).datasets.chat.versions[0].columns.map((c) => c.name);
    expect(cols).toEqual([...CORE_COLUMNS.map((c) => c.name), 'intent', 'style', 'priority', 'tags', ...TRAILING_COLUMNS.map((c) => c.name)]);
  });

  it('an openai JSON array (pretty-printed) gives the same rows as JSONL', async () => {
    const file = writeFile(dir, 'chat.json', JSON.stringify(records, null, 2));
    await importOk(ws, file, { name: 'chat_array' });
    const a = await datasetRows<Row>(ws, 'chat', 'conversation_id, messages, intent');
    const b = await datasetRows<Row>(ws, 'chat_array', 'conversation_id, messages, intent');
    expect(b).toEqual(a);
  });

  it('prompt/completion becomes user + assistant, extra keys metadata', async () => {
    const file = writeFile(dir, 'pc.jsonl', '{"prompt":"Hi\\n","completion":" Hello.","intent":"greet"}\n{"prompt":"2+2?","completion":"4"}\n');
    await importOk(ws, file, { name: 'pc' });
    const rows = await datasetRows<Row>(ws, 'pc');
    expect(rows.map((x) => [x.messages, x.intent])).toEqual([
      [[m('user', 'Hi\n'), m('assistant', ' Hello.')], 'greet'],
      [[m('user', '2+2?'), m('assistant', '4')], null]
    ]);
  });

  it('context/response: prefixes stripped, multi-line contexts become turns, JSONL or array', async () => {
    const rows = [
      { context: '用户:我最近失眠怎么办?', response: '模型:规律作息。', intent: '健康咨询', style: '专业且关怀' },
      { context: 'User: hi\nAssistant: hello\nUser: order?', response: 'Assistant: shipped', intent: 'shipping', style: 'concise' }
    ];
    await importOk(ws, writeFile(dir, 'crs.json', `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`), { name: 'crs' });
    await importOk(ws, writeFile(dir, 'crs.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n'), { name: 'crs_lines', format: 'context-response' });
    const a = await datasetRows<Row>(ws, 'crs');
    expect(a.map((x) => [x.messages, x.intent, x.style, x.source_line])).toEqual([
      [[m('user', '我最近失眠怎么办?'), m('assistant', '规律作息。')], '健康咨询', '专业且关怀', 2],
      [[m('user', 'hi'), m('assistant', 'hello', { weight: 0 }), m('user', 'order?'), m('assistant', 'shipped')], 'shipping', 'concise', 3]
    ]);
    const b = await datasetRows<Row>(ws, 'crs_lines');
    expect(b.map((x) => x.conversation_id)).toEqual(a.map((x) => x.conversation_id));
  });

  it('CSV and TSV with a column mapping (including a literal system prompt)', async () => {
    const csv = 'instruction,response,category\n"Hi, where is my order?","It ships ""today"".",shipping\nRefund?,Done.,billing\n';
    await importOk(ws, writeFile(dir, 'tickets.csv', csv), { name: 'tickets', mapping: { system: '"Be kind."', user: 'instruction', assistant: 'response', intent: 'category' } });
    const rows = await datasetRows<Row>(ws, 'tickets');
    expect(rows.map((x) => [x.messages, x.intent, x.source_line])).toEqual([
      [[m('system', 'Be kind.'), m('user', 'Hi, where is my order?'), m('assistant', 'It ships "today".')], 'shipping', 2],
      [[m('system', 'Be kind.'), m('user', 'Refund?'), m('assistant', 'Done.')], 'billing', 3]
    ]);
    await importOk(ws, writeFile(dir, 'tickets.tsv', 'prompt\tcompletion\tintent\nHi\tHello\tgreet\n'), { name: 'tickets_tsv' });
    expect((await datasetRows<Row>(ws, 'tickets_tsv')).map((x) => [x.messages, x.intent])).toEqual([[[m('user', 'Hi'), m('assistant', 'Hello')], 'greet']]);
  });

  it('Parquet with a mapping, and a stored canonical table imported again', async () => {
    const pq = path.join(dir, 'qa.parquet');
    await queryRows(`COPY (SELECT * FROM (VALUES ('What is 2+2?', '4', 'math'), ('Capital of France?', 'Paris', 'geo')) t(question, answer, topic)) TO ${sqlString(pq)} (FORMAT parquet)`);
    await importOk(ws, pq, { name: 'qa', mapping: { user: 'question', assistant: 'answer', intent: 'topic' } });
    expect((await datasetRows<Row>(ws, 'qa')).map((x) => [x.messages, x.intent, x.source_line])).toEqual([
      [[m('user', 'What is 2+2?'), m('assistant', '4')], 'math', 1],
      [[m('user', 'Capital of France?'), m('assistant', 'Paris')], 'geo', 2]
    ]);
    // The canonical Parquet of `chat` maps itself (messages=messages) and keeps ids and metadata.
    const chatFile = versionPath(ws, (await readCatalog(ws)).datasets.chat.versions[0]);
    const copy = path.join(dir, 'chat_copy.parquet');
    fs.copyFileSync(chatFile, copy);
    await importOk(ws, copy, { name: 'chat_again' });
    const again = await datasetRows<Row>(ws, 'chat_again', 'conversation_id, messages, tools, intent, style, priority');
    expect(again).toEqual(await datasetRows<Row>(ws, 'chat', 'conversation_id, messages, tools, intent, style, priority'));
  });
});

describeShared('real datasets from ../shared: formats agree row by row', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await tempWorkspace();
  });
  const load = async (file: string, name: string) => {
    const r = await importOk(ws, shared('datasets', file), { name });
    return r;
  };

  it('bitext: chat, strict chat, prompt/completion and context/response hold the same conversations', async () => {
    const chat = await load('bitext_customer_support.chat.jsonl', 'b_chat');
    await load('bitext_customer_support.chat.strict.jsonl', 'b_strict');
    await load('bitext_customer_support.prompt_completion.jsonl', 'b_pc');
    await load('bitext_customer_support.crs.json', 'b_crs');
    expect(chat.rows).toBe(4514);
    const cols = 'user_text, assistant_text';
    const a = await datasetRows<Row>(ws, 'b_chat', `${cols}, intent, conversation_id, system_text`);
    const s = await datasetRows<Row>(ws, 'b_strict', `${cols}, conversation_id`);
    const p = await datasetRows<Row>(ws, 'b_pc', cols);
    const c = await datasetRows<Row>(ws, 'b_crs', `${cols}, intent, style`);
    expect(s.map((x) => x.conversation_id)).toEqual(a.map((x) => x.conversation_id));
    expect(p.map((x) => [x.user_text, x.assistant_text])).toEqual(a.map((x) => [x.user_text, x.assistant_text]));
    expect(c.map((x) => [x.user_text, x.assistant_text, x.intent])).toEqual(a.map((x) => [x.user_text, x.assistant_text, x.intent]));
    expect(a[0].system_text).toBe('You are a customer support assistant for an online store.');
    expect(new Set(c.map((x) => x.style)).size).toBe(205);
    expect(new Set(a.map((x) => x.intent)).size).toBe(27);
  });

  it('zh_medical_qa: chat and context/response agree; \\u-escaped rows dedupe against raw UTF-8 ones', async () => {
    const r = await load('zh_medical_qa.chat.jsonl', 'zh_chat');
    await load('zh_medical_qa.crs.json', 'zh_crs');
    await load('zh_medical_qa.chat.strict.jsonl', 'zh_strict');
    expect(r.rows).toBe(1549);
    expect(r.duplicates).toBe(68);
    const a = await datasetRows<Row>(ws, 'zh_chat', 'user_text, assistant_text, intent');
    const c = await datasetRows<Row>(ws, 'zh_crs', 'user_text, assistant_text, intent, style');
    expect(c.map((x) => [x.user_text, x.assistant_text, x.intent])).toEqual(a.map((x) => [x.user_text, x.assistant_text, x.intent]));
    expect(new Set(c.map((x) => x.style))).toEqual(new Set(['医生在线问答']));
    await importOk(ws, shared('datasets', 'bad', 'ascii_escaped_unicode.jsonl'), { name: 'zh_escaped' });
    const escaped = await datasetRows<Row>(ws, 'zh_escaped', 'conversation_id');
    const strict = await datasetRows<Row>(ws, 'zh_strict', 'conversation_id');
    expect(escaped.map((x) => x.conversation_id)).toEqual(strict.slice(0, 5).map((x) => x.conversation_id));
  });

  it('banking77, taskmaster and sgd: counts, duplicates and multi-turn shapes', async () => {
    const b = await load('banking77.chat.jsonl', 'b77');
    expect([b.rows, b.duplicates]).toEqual([13083, 11]);
    const pc = await load('banking77.prompt_completion.jsonl', 'b77_pc');
    expect(pc.rows).toBe(13083);
    const t = await load('taskmaster4_coffee.chat.strict.jsonl', 'tm4');
    expect([t.rows, t.duplicates]).toEqual([3710, 23]);
    const sgd = await load('sgd_dev.chat.jsonl', 'sgd');
    expect(sgd.rows).toBe(632);
    // turns = non-system messages, counted independently from the source lines.
    const lines = fs.readFileSync(shared('datasets', 'sgd_dev.chat.jsonl'), 'utf8').trim().split('\n');
    const expectedTurns = lines.map((l) => (JSON.parse(l).messages as { role: string }[]).filter((x) => x.role !== 'system').length);
    expect((await datasetRows<Row>(ws, 'sgd', 'turns')).map((x) => x.turns)).toEqual(expectedTurns);
    const toy = await load('openai_cookbook_toy_chat.jsonl', 'toy');
    expect(toy.rows).toBe(5);
    expect(toy.findings.map((f) => `${f.code}@${f.line}`).sort()).toEqual(['long_example@5', 'missing_system_message@3', 'missing_user_message@4', 'too_few_examples@null'].sort());
  });
});
