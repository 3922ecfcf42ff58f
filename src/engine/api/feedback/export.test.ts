import { expect, it } from 'vitest';
import { feedbackRows } from './export.ts';
import type { FeedbackEntry } from './store.ts';

const ctx = [
  { role: 'system' as const, content: '[STYLE:formal] Be helpful.' },
  { role: 'user' as const, content: 'Where is my card?' }
];
const entry = (over: Partial<FeedbackEntry>): FeedbackEntry => ({ id: 'fb-x', ts: 't', model: 'm1', messages: ctx, answer: 'a', rating: null, edited: null, style: 'formal', settings: null, ...over });

it('makes SFT rows of accepted and edited answers and preference pairs of up/down and edits', () => {
  const rows = feedbackRows([
    entry({ id: 'fb-1', answer: 'It is on its way.', rating: 'up' }),
    entry({ id: 'fb-2', model: 'm2', answer: 'lol no idea', rating: 'down' }),
    entry({ id: 'fb-3', answer: 'card card card', edited: 'Dear customer, it ships today.' }),
    entry({ id: 'fb-4', answer: 'ignored', rating: null }),
    entry({ id: 'fb-5', messages: [{ role: 'user', content: 'other question' }], answer: 'bad', rating: 'down' })
  ]);
  expect(rows.sft.map((r) => (r.messages as { content: string }[]).at(-1)!.content)).toEqual(['It is on its way.', 'Dear customer, it ships today.']);
  expect(rows.sft[0].messages).toEqual([...ctx, { role: 'assistant', content: 'It is on its way.' }]);
  const pairs = rows.pairs.map((p) => [(p.messages as { content: string }[]).at(-1)!.content, p.rejected, p.kind]);
  expect(pairs).toEqual([
    ['Dear customer, it ships today.', 'card card card', 'edit'],
    ['It is on its way.', 'lol no idea', 'up-down'],
    ['Dear customer, it ships today.', 'lol no idea', 'up-down']
  ]);
  expect(rows.dpo[1]).toEqual({ input: { messages: ctx }, preferred_output: [{ role: 'assistant', content: 'It is on its way.' }], non_preferred_output: [{ role: 'assistant', content: 'lol no idea' }] });
});
