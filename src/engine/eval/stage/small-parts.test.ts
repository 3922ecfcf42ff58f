/** Intent normalisation, style mapping, batch plans and the hyperparameter diff. */
import { describe, expect, it } from 'vitest';
import { intentPredictor, normaliseLabel } from './intent.ts';
import { toPattern, toStyleRule } from './styles.ts';
import { planBatches, type Prompt } from './generate-set.ts';
import { diffParams, flatten } from '../compare/params-diff.ts';
import { splitAtLastAssistant } from './examples.ts';

describe('intent prediction', () => {
  it('normalises case, spacing, underscores, quotes and final punctuation', () => {
    expect(normaliseLabel('  "Card_Arrival."\n')).toBe('card arrival');
    expect(normaliseLabel('lost-or-stolen  card!')).toBe('lost or stolen card');
  });
  it('maps an output to a known label in its gold spelling, else keeps the text, null when empty', () => {
    const p = intentPredictor(['card_arrival', 'billing']);
    expect(p.predict('Card arrival')).toBe('card_arrival');
    expect(p.predict('billing\nThanks for asking')).toBe('billing');
    expect(p.predict('something else')).toBe('something else');
    expect(p.predict('   ')).toBeNull();
  });
});

describe('styles', () => {
  it('turns a leading inline flag group into RegExp flags', () => {
    expect(toPattern('(?i)^hello')).toEqual({ pattern: '^hello', flags: 'i' });
    expect(toPattern('(?U)x')).toEqual({ pattern: 'x' });
    expect(toPattern('a(b)')).toEqual({ pattern: 'a(b)' });
  });
  it('maps the Plan style onto a StyleRule', () => {
    const r = toStyleRule({ name: 'f', lexicon: [{ term: 'please', weight: 2 }], forbidden: [{ term: 'lol', weight: 3 }], min_tokens: 5, max_tokens: 50, require: ['(?i)^dear'], reject: ['!!+'], max_repetition: 0.1, threshold: 0.6 });
    expect(r).toEqual({ name: 'f', passScore: 0.6, prefer: [{ term: 'please', weight: 2 }], avoid: [{ term: 'lol', weight: 3 }], minTokens: 5, maxTokens: 50, require: [{ pattern: '^dear', flags: 'i' }], forbid: [{ pattern: '!!+' }], maxRepetition: 0.1 });
  });
});

describe('batch plan', () => {
  const prompt = (index: number, len: number): Prompt => ({ example: { index, conversation_id: String(index), context: [], reference: '', conversation: [], metadata: {} }, ids: new Array(len).fill(1), truncated: false });
  it('sorts by prompt length, then example index, and cuts fixed batches whatever the input order', () => {
    const ps = [prompt(0, 5), prompt(1, 3), prompt(2, 5), prompt(3, 1), prompt(4, 3)];
    const plan = planBatches(ps, 2).map((b) => [b.start, b.prompts.map((p) => p.example.index)]);
    expect(plan).toEqual([
      [0, [3, 1]],
      [2, [4, 0]],
      [4, [2]]
    ]);
    expect(planBatches([...ps].reverse(), 2).map((b) => b.prompts.map((p) => p.example.index))).toEqual(plan.map((x) => x[1]));
  });
});

describe('examples', () => {
  it('cuts a conversation at its last assistant turn', () => {
    const m = [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'c' },
      { role: 'assistant', content: 'd' }
    ];
    expect(splitAtLastAssistant(m)).toEqual({ context: m.slice(0, 3), reference: 'd' });
    expect(splitAtLastAssistant([{ role: 'user', content: 'x' }])).toBeNull();
  });
});

describe('hyperparameter diff', () => {
  it('keeps only the leaves whose values differ, absent ones as null, lists as leaves', () => {
    const a = flatten({ lr: 0.1, method: { rank: 8, targets: ['q', 'v'] }, seed: 1 }, 'tuned', new Map());
    const b = flatten({ lr: 0.2, method: { rank: 8, targets: ['q', 'k'] }, extra: true, seed: 1 }, 'tuned', new Map());
    expect(diffParams([a, b])).toEqual([
      { path: 'tuned.lr', values: [0.1, 0.2] },
      { path: 'tuned.method.targets', values: [['q', 'v'], ['q', 'k']] },
      { path: 'tuned.extra', values: [null, true] }
    ]);
  });
});
