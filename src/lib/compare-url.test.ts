import { describe, expect, it } from 'vitest';
import { compareHref, compareModelsHref, compareRunsHref, parseCompareQuery, type CompareQuery } from './compare-url.ts';

const A = '20261121-172501-3e7a9c';
const B = '20261121-180000-000abc';
const C = '20261122-090909-ffffff';
const parse = (qs: string) => parseCompareQuery(new URLSearchParams(qs));

describe('compare URLs', () => {
  it('reads runs with optional models, in order, the first being the baseline', () => {
    const r = parse(`runs=${A},${B}:tuned@best,${C}`);
    expect(r).toEqual({ ok: true, query: { kind: 'runs', sides: [{ run: A, model: null }, { run: B, model: 'tuned@best' }, { run: C, model: null }], stage: null, by: null, top: 20 } });
  });

  it('reads the models of one run, with stage, ranking metric and count', () => {
    const r = parse(`run=${A}&models=base,tuned&stage=eval&by=rougeL&top=7`);
    expect(r).toEqual({ ok: true, query: { kind: 'models', run: A, models: ['base', 'tuned'], stage: 'eval', by: 'rougeL', top: 7 } });
    // no models: all of the eval's models
    expect(parse(`run=${A}`)).toMatchObject({ ok: true, query: { kind: 'models', models: [] } });
  });

  it('is nothing to compare without runs or run', () => {
    expect(parse('')).toEqual({ ok: true, query: { kind: 'none' } });
    expect(parse('with=x')).toEqual({ ok: true, query: { kind: 'none' } });
  });

  it('refuses what cannot be compared, naming the parameter', () => {
    expect(parse(`runs=${A}`)).toMatchObject({ ok: false, field: 'runs', error: expect.stringContaining('at least two') });
    expect(parse(`runs=${A},${A}`)).toMatchObject({ ok: false, field: 'runs' }); // the same side twice is one side
    expect(parse(`runs=${A},${B},${C},20261122-090909-000001,20261122-090909-000002`)).toMatchObject({ ok: false, error: expect.stringContaining('at most 4') });
    expect(parse(`runs=${A},../etc`)).toMatchObject({ ok: false, error: expect.stringContaining("'../etc' is not a run id") });
    expect(parse(`runs=${A},${B}&run=${C}`)).toMatchObject({ ok: false, field: 'runs' });
    expect(parse(`run=${A}&models=base`)).toMatchObject({ ok: false, field: 'models' });
    expect(parse(`runs=${A},${B}&top=0`)).toMatchObject({ ok: false, field: 'top' });
    expect(parse(`runs=${A},${B}&top=2.5`)).toMatchObject({ ok: false, field: 'top' });
    expect(parse(`runs=${A},${B}&stage=a b`)).toMatchObject({ ok: false, field: 'stage' });
  });

  it('writes URLs that read back to the same comparison, with readable commas and colons', () => {
    const queries: CompareQuery[] = [
      { kind: 'runs', sides: [{ run: A, model: 'tuned@best' }, { run: B, model: null }], stage: 'eval', by: 'bleu', top: 5 },
      { kind: 'models', run: C, models: ['base', 'tinystories-260k'], stage: null, by: null, top: 20 },
      { kind: 'none' }
    ];
    for (const q of queries) {
      const href = compareHref(q);
      expect(parse(href.split('?')[1] ?? '')).toEqual({ ok: true, query: q });
    }
    expect(compareRunsHref([A, B], [null, 'tuned'])).toBe(`/compare?runs=${A},${B}:tuned`);
    expect(compareModelsHref(A, ['base', 'tuned'])).toBe(`/compare?run=${A}&models=base,tuned`);
    expect(compareModelsHref(A)).toBe(`/compare?run=${A}`);
  });
});
