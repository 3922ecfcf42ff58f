import { describe, expect, it } from 'vitest';
import { styleScorer, styleScores, StyleRuleError } from './style.ts';
import { repetitionRatio, styleTokens, termMatcher } from './style-text.ts';
import type { StyleRule } from './style-rule.ts';

const formal: StyleRule = { name: 'formal', prefer: [{ term: '建议' }, { term: '根据' }, { term: '研究' }], minTokens: 50 };

describe('style tokens', () => {
  it('counts each CJK character and each other word once', () => {
    expect(styleTokens('根据研究, we suggest 3 options!')).toEqual(['根', '据', '研', '究', 'we', 'suggest', '3', 'options']);
    expect(styleTokens('カタカナ 한국')).toHaveLength(6);
  });
  it('repetition ratio', () => {
    expect(repetitionRatio('a b c a b c'.split(' '), 3)).toBeCloseTo(1 - 3 / 4, 12);
    expect(repetitionRatio(['a', 'b'], 3)).toBe(0);
  });
  it('English terms match whole words, CJK terms as substrings, case-insensitively', () => {
    expect(termMatcher('please')('Please wait')).toBe(true);
    expect(termMatcher('please')('I am pleased')).toBe(false);
    expect(termMatcher('建议')('我建议您')).toBe(true);
  });
});

describe('style scores', () => {
  it('formal: a preferred term plus enough length satisfies; short or term-less outputs do not', () => {
    const long = '根据' + '临床研究结果显示'.repeat(7); // 2 + 56 = 58 Han characters
    const s = styleScorer(formal);
    const a = s.score(long);
    expect(a.satisfied).toBe(true);
    expect(a.score).toBe(1);
    expect(a.components.prefer?.detail).toEqual(['根据', '研究']);
    const short = s.score('根据研究，多喝水。');
    expect(short.satisfied).toBe(false);
    expect(short.components.length?.score).toBeCloseTo(7 / 50, 12);
    expect(short.score).toBeCloseTo((1 + 7 / 50) / 2, 12);
    const none = s.score('多喝水'.repeat(20));
    expect(none.components.prefer?.score).toBe(0);
  });

  it('concise: repetition and length are penalised; forbidden terms and patterns too', () => {
    const concise: StyleRule = { name: 'concise', maxTokens: 10, maxRepetition: 0.2, avoid: [{ term: 'basically', weight: 0.5 }], forbid: [{ pattern: '!{2,}' }], require: [{ pattern: '^[A-Z]' }] };
    const s = styleScorer(concise);
    expect(s.score('Reset it in settings.').satisfied).toBe(true);
    const rep = s.score('Sure sure sure sure sure sure sure sure sure sure sure sure');
    expect(rep.components.length?.score).toBeCloseTo(10 / 12, 12);
    expect(rep.components.repetition?.score).toBeLessThan(0.5);
    const bad = s.score('basically no!!');
    expect(bad.components.avoid?.score).toBe(0.5);
    expect(bad.components.forbid?.score).toBe(0);
    expect(bad.components.require?.score).toBe(0);
    expect(bad.satisfied).toBe(false);
  });

  it('summary: mean score and consistency; passScore relaxes satisfaction', () => {
    const rule: StyleRule = { name: 'polite', prefer: [{ term: 'please' }], require: [{ pattern: 'thank', flags: 'i' }] };
    const { summary, examples } = styleScores(['Please wait, thank you', 'Thanks', 'no'], rule);
    expect(examples.map((e) => e.satisfied)).toEqual([true, false, false]);
    expect(summary.consistency).toBeCloseTo(1 / 3, 12);
    expect(summary.meanScore).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    expect(styleScores(['Thanks'], { ...rule, passScore: 0.5 }).summary.consistency).toBe(1);
  });

  it('reports a bad regex with the rule and field', () => {
    expect(() => styleScorer({ name: 'x', forbid: [{ pattern: '(' }] })).toThrow(StyleRuleError);
    expect(() => styleScorer({ name: 'x', forbid: [{ pattern: '(' }] })).toThrow(/style x: forbid\[0\]\.pattern/);
  });
});
