import { describe, expect, it } from 'vitest';
import { formatCard, METRIC_CARDS, METRIC_IDS, metricCard } from './cards.ts';

describe('metric cards', () => {
  it('every metric has a complete, JSON-serialisable card', () => {
    for (const id of METRIC_IDS) {
      const c = METRIC_CARDS[id];
      expect(c.id).toBe(id);
      for (const f of ['name', 'level', 'tokenizer', 'range', 'matches'] as const) expect(c[f], `${id}.${f}`).toBeTruthy();
      expect(c.notes.length, id).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(c))).toEqual(c);
      expect(formatCard(c)).toContain(c.name);
    }
  });

  it('reflects the settings used: tokenizer, level, smoothing, stemming', () => {
    const b = metricCard('bleu', { level: 'sentence', tokenize: 'zh', smooth: 'floor', nrefs: 3 });
    expect(b.signature).toBe('nrefs:3|case:mixed|eff:yes|tok:zh|smooth:floor[0.10]|version:2.6.0');
    expect(b.tokenizer).toMatch(/^zh/);
    expect(b.smoothing).toBe('floor (0.1)');
    expect(METRIC_CARDS.bleu.signature).toBe('nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
    expect(METRIC_CARDS['chrf++'].signature).toBe('nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0');
    expect(metricCard('rougeL', { rougeTokenizer: 'han_char', stem: true }).tokenizer).toMatch(/han_char.*Porter/);
    expect(METRIC_CARDS.rougeL.notes.join(' ')).toMatch(/Chinese text has no tokens/);
    expect(METRIC_CARDS.perplexity.higherIsBetter).toBe(false);
  });
});
