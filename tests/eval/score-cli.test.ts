/**
 * `tunebench score` end to end: the real CLI (node bin/tunebench.js) on temporary JSONL files.
 * Expected numbers come from sacreBLEU's and rouge-score's own test suites (eval-fixtures
 * README, "Upstream cases"), not from this code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { describeShared, REPO_ROOT, shared, sharedAvailable } from '../support/shared.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunebench-score-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function jsonl(name: string, rows: unknown[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return file;
}

function score(...args: string[]) {
  const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'tunebench.js'), 'score', ...args], { encoding: 'utf8', cwd: dir });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr, json: () => JSON.parse(res.stdout) };
}

// sacreBLEU test_bleu.py test_corpus_bleu: two reference streams → per-segment refs.
const SACRE = jsonl('sacre.jsonl', [
  { hyp: 'The dog bit the man.', refs: ['The dog bit the man.', 'The dog had bit the man.'] },
  { hyp: "It wasn't surprising.", refs: ['It was not unexpected.', 'No one was surprised.'] },
  { hyp: 'The man had just bitten him.', refs: ['The man bit him first.', 'The man had bitten the dog.'] }
]);

describe('tunebench score', () => {
  it('corpus BLEU: sacreBLEU fields and signature', () => {
    const r = score('--metric', 'bleu', '--input', SACRE, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    expect(j.score).toBeCloseTo(48.530827009929865, 9);
    for (const f of ['counts', 'totals', 'precisions']) expect(j[f]).toHaveLength(4);
    expect(typeof j.bp).toBe('number');
    expect(j.sys_len).toBe(17);
    expect(j.ref_len).toBe(18);
    expect(j.signature).toBe('nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
    expect(j.card.matches).toContain('sacreBLEU 2.6.0');
  });

  it('corpus BLEU with --tokenize intl and none', () => {
    expect(score('--metric', 'bleu', '--input', SACRE, '--tokenize', 'intl', '--json').json().score).toBeCloseTo(43.91623493336995, 9);
    const none = score('--metric', 'bleu', '--input', SACRE, '--tokenize', 'none', '--json').json();
    expect(none.score).toBeCloseTo(49.19195660047277, 9);
    expect(none.signature).toContain('tok:none');
  });

  it('sentence BLEU: one object per segment, smoothing options', () => {
    // sacreBLEU test_sentence_bleu.py (Romanian sentence).
    const f = jsonl('ro.jsonl', [{ hyp: 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;', refs: ['producţia de zahăr brut se exprimă în zahăr alb;'] }]);
    const cases: [string[], number][] = [
      [[], 8.493098745313148],
      [['--smooth', 'floor'], 4.516881220954753],
      [['--smooth', 'floor', '--smooth-value', '0.5'], 10.100053456347073],
      [['--smooth', 'add-k', '--smooth-value', '2'], 21.389460275371086],
      [['--tokenize', 'char', '--lowercase'], 42.02678206410298]
    ];
    for (const [extra, want] of cases) {
      const r = score('--metric', 'bleu', '--level', 'sentence', '--input', f, ...extra, '--json');
      expect(r.code, r.stderr).toBe(0);
      const j = r.json();
      expect(j.segments).toHaveLength(1);
      expect(j.segments[0].score, extra.join(' ')).toBeCloseTo(want, 9);
      expect(j.segments[0].signature).toContain('eff:yes');
      for (const k of ['counts', 'totals', 'precisions', 'bp', 'sys_len', 'ref_len']) expect(j.segments[0]).toHaveProperty(k);
    }
  });

  it('chrF and chrF++ corpus scores with signatures', () => {
    // Exact chrF values are checked against the fixtures below; here the fields and an identity.
    const c = score('--metric', 'chrf', '--input', SACRE, '--json').json();
    expect(c.signature).toBe('nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0');
    expect(c.score).toBeGreaterThan(0);
    expect(c.score).toBeLessThan(100);
    const pp = score('--metric', 'chrf++', '--input', SACRE, '--json').json();
    expect(pp.signature).toContain('nw:2');
    expect(pp.stats).toHaveLength(8);
    const same = jsonl('same.jsonl', [{ hyp: 'Niemand hat die Absicht, eine Mauer zu errichten', refs: ['Niemand hat die Absicht, eine Mauer zu errichten'] }]);
    expect(score('--metric', 'chrf', '--input', same, '--json').json().score).toBe(100);
  });

  it('ROUGE: per-segment P/R/F and their mean; null references are absent', () => {
    // rouge-score rouge_scorer_test.py: testRouge2 / testRougeLNonConsecutive and score_multi.
    const f = jsonl('rouge.jsonl', [
      { hyp: 'testing one', refs: ['testing one two'] },
      { hyp: 'testing two', refs: [null, 'testing one two'] }
    ]);
    const r = score('--metric', 'rougeL', '--input', f, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    expect(j.segments).toHaveLength(2);
    for (const s of j.segments) {
      expect(s.precision).toBe(1);
      expect(s.recall).toBeCloseTo(2 / 3, 12);
      expect(s.fmeasure).toBeCloseTo(0.8, 12);
    }
    expect(j.mean.fmeasure).toBeCloseTo(0.8, 12);
    const r2 = score('--metric', 'rouge2', '--input', f, '--json').json();
    expect(r2.segments[0]).toEqual({ precision: 1, recall: 0.5, fmeasure: expect.closeTo(2 / 3, 12) });
  });

  it('ROUGE han_char scores Chinese that the default tokenizer scores 0', () => {
    const f = jsonl('zh.jsonl', [{ hyp: '我喜欢学习', refs: ['我喜欢学习中文'] }]);
    expect(score('--metric', 'rouge1', '--input', f, '--json').json().mean.fmeasure).toBe(0);
    const han = score('--metric', 'rouge1', '--input', f, '--tokenize', 'han_char', '--json').json();
    expect(han.segments[0]).toEqual({ precision: 1, recall: 5 / 7, fmeasure: expect.closeTo((2 * 5) / 7 / (1 + 5 / 7), 12) });
  });

  it('--stem uses the Porter stemmer', () => {
    const f = jsonl('stem.jsonl', [{ hyp: 'the friends had a meeting', refs: ['the friend has meetings'] }]);
    const plain = score('--metric', 'rouge1', '--input', f, '--json').json().mean.fmeasure;
    const stemmed = score('--metric', 'rouge1', '--input', f, '--stem', '--json').json().mean.fmeasure;
    expect(stemmed).toBeGreaterThan(plain);
  });

  it('llamafactory-bleu: per-line rounded scores and their mean', () => {
    const j = score('--metric', 'llamafactory-bleu', '--input', SACRE, '--json').json();
    expect(j.segments).toHaveLength(3);
    for (const s of j.segments) expect(Number(s.score.toFixed(4))).toBe(s.score);
    expect(j.score).toBeCloseTo(j.segments.reduce((a: number, s: { score: number }) => a + s.score, 0) / 3, 10);
  });

  it('readable output shows the metric card', () => {
    const r = score('--metric', 'bleu', '--input', SACRE);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 48.53');
    expect(r.stdout).toContain('matches:   sacreBLEU 2.6.0');
  });

  it('bad lines: every problem named with file, line and field; exit 1', () => {
    const f = jsonl('bad.jsonl', ['{"hyp": "ok", "refs": ["fine"]}', '{"hyp": 3, "refs": ["x"]}', '', '{"hyp": "x", "refs": [null]}', 'not json', '{"hyp": "x", "refs": ["a", 7]}', '{"hyp": "x"}']);
    const r = score('--metric', 'bleu', '--input', f, '--json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${f}:2: field 'hyp': expected a string`);
    expect(r.stderr).toContain(`${f}:4: field 'refs': has no reference`);
    expect(r.stderr).toContain(`${f}:5: not valid JSON`);
    expect(r.stderr).toContain(`${f}:6: field 'refs[1]': expected a string or null`);
    expect(r.stderr).toContain(`${f}:7: field 'refs': missing`);
  });

  it('usage errors: unknown metric, wrong tokenizer for the metric, missing input', () => {
    expect(score('--metric', 'meteor', '--input', SACRE).code).toBe(2);
    const t = score('--metric', 'rougeL', '--input', SACRE, '--tokenize', '13a');
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('default or han_char');
    expect(score('--metric', 'bleu', '--input', SACRE, '--tokenize', 'han_char').code).toBe(2);
    expect(score('--metric', 'bleu', '--input', SACRE, '--stem').stderr).toContain('--stem does not apply to bleu');
    expect(score('--metric', 'bleu', '--input', path.join(dir, 'missing.jsonl')).stderr).toContain('cannot read --input');
    expect(score('--metric', 'bleu').code).toBe(2);
  });
});

describeShared('tunebench score on eval-fixture cases (sacreBLEU / rouge-score numbers)', () => {
  const cases = sharedAvailable ? JSON.parse(fs.readFileSync(shared('eval-fixtures', 'metrics.json'), 'utf8')).cases : [];
  for (const id of ['dev-en-variable-refs', 'dev-zh-medical-corpus', 'dev-chat-bitext-corpus']) {
    it(id, () => {
      const c = cases.find((x: { id: string }) => x.id === id);
      const rows = c.hyps.map((hyp: string, i: number) => ({ hyp, refs: c.refs.map((stream: (string | null)[]) => stream[i]) }));
      const f = jsonl(`${id}.jsonl`, rows);
      const bleu = score('--metric', 'bleu', '--input', f, '--json').json();
      const want = c.sacrebleu.bleu['13a'].corpus;
      expect(bleu.score).toBeCloseTo(want.score, 9);
      expect(bleu.counts).toEqual(want.counts);
      expect(bleu.totals).toEqual(want.totals);
      expect(bleu.signature).toBe(c.sacrebleu.bleu['13a'].signature);
      const zh = score('--metric', 'bleu', '--tokenize', 'zh', '--level', 'sentence', '--input', f, '--json').json();
      zh.segments.forEach((s: { score: number }, i: number) => expect(s.score).toBeCloseTo(c.sacrebleu.bleu.zh.sentence[i].score, 9));
      expect(score('--metric', 'chrf', '--input', f, '--json').json().score).toBeCloseTo(c.sacrebleu.chrf.corpus.score, 9);
      expect(score('--metric', 'chrf++', '--input', f, '--json').json().score).toBeCloseTo(c.sacrebleu.chrfpp.corpus.score, 9);
      const tok = c.rouge_score.han_char ? 'han_char' : 'default';
      const rl = score('--metric', 'rougeLsum', '--tokenize', tok, '--stem', '--input', f, '--json').json();
      expect(rl.mean.fmeasure).toBeCloseTo(c.rouge_score[tok].stem.mean.rougeLsum.fmeasure, 12);
      rl.segments.forEach((s: { recall: number }, i: number) => expect(s.recall).toBeCloseTo(c.rouge_score[tok].stem.segments[i].rougeLsum.recall, 12));
    });
  }
});
