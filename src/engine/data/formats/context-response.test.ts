import { describe, expect, it } from 'vitest';
import { contextResponseRecord } from './context-response.ts';
import { ColumnNamer } from './types.ts';

const run = (v: unknown) => contextResponseRecord(v, { strictOpenai: false, columns: new ColumnNamer() });
const turns = (v: unknown) => run(v).draft?.messages.map((m) => [m.role, m.content, m.weight]);

describe('context/response format', () => {
  it('strips the speaker prefixes (ASCII and full-width colon, Chinese and English)', () => {
    expect(turns({ context: '用户:我最近失眠怎么办?', response: '模型:多运动。' })).toEqual([
      ['user', '我最近失眠怎么办?', null],
      ['assistant', '多运动。', null]
    ]);
    expect(turns({ context: '用户：你好', response: '模型：您好' })).toEqual([
      ['user', '你好', null],
      ['assistant', '您好', null]
    ]);
    expect(turns({ context: 'User: Where is my order?', response: 'Assistant: On its way.' })).toEqual([
      ['user', 'Where is my order?', null],
      ['assistant', 'On its way.', null]
    ]);
  });

  it('reads a multi-line context as several turns; earlier assistant turns are context (weight 0)', () => {
    const v = { context: '用户:第一问\n模型:第一答\n用户:第二问\n还有一行', response: '模型:第二答' };
    expect(turns(v)).toEqual([
      ['user', '第一问', null],
      ['assistant', '第一答', 0],
      ['user', '第二问\n还有一行', null],
      ['assistant', '第二答', null]
    ]);
    expect(run(v).issues).toEqual([]);
  });

  it('warns about missing or unknown prefixes and keeps the text', () => {
    const r = run({ context: '没有前缀的问题', response: '助手:回答', intent: '科室', style: '简洁' });
    expect(r.issues.map((i) => `${i.code}:${i.path}`)).toEqual(['missing_speaker_prefix:context', 'unknown_speaker_prefix:response']);
    expect(r.draft!.messages.map((m) => m.content)).toEqual(['没有前缀的问题', '助手:回答']);
    expect([...r.draft!.metadata]).toEqual([
      ['intent', '科室'],
      ['style', '简洁']
    ]);
  });

  it('rejects missing, empty or non-string fields and flags odd metadata', () => {
    expect(run({ context: '用户:x' }).issues.map((i) => i.code)).toEqual(['missing_response']);
    expect(run({ context: '', response: '模型:y' }).issues.map((i) => i.code)).toEqual(['missing_content']);
    expect(run({ context: ['x'], response: '模型:y' }).issues.map((i) => i.code)).toEqual(['invalid_field_type']);
    expect(run({ context: '用户:x', response: '模型:y', intent: 7, style: null }).issues.map((i) => i.code)).toEqual(['metadata_not_string', 'metadata_missing']);
  });
});
