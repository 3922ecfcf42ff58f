/**
 * Paging predictions.parquet: a file written by the evaluator's own writer with rows defined
 * here (two models × 30 examples, score = example index / 10 for the tuned model), so every
 * expected page is known independently of the code under test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_COLUMNS } from '../../engine/eval/stage/eval-file.ts';
import { writePredictionsParquet } from '../../engine/eval/stage/write-results.ts';
import { ApiFailure } from './api-error.ts';
import { pagePredictions, predictionSql } from './predictions.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-predictions-'));
const file = path.join(dir, 'predictions.parquet');
const N = 30;
const columns = [...BASE_COLUMNS, { name: 'score_bleu', type: 'DOUBLE', meaning: 'sentence BLEU' }, { name: 'correct_intent', type: 'BOOLEAN', meaning: 'right label' }];

beforeAll(async () => {
  const rows: Record<string, unknown>[] = [];
  for (const [k, model] of ['base', 'tuned'].entries())
    for (let i = 0; i < N; i++)
      rows.push({
        model,
        model_index: k,
        example_index: i,
        conversation_id: `c${i}`,
        prompt: `User: question ${i}${i === 7 ? ' about a PARCEL' : ''}`,
        reference: `answer ${i}`,
        output: model === 'base' ? 'hello' : `answer ${i}${i % 2 ? '' : ' indeed'}`,
        finish_reason: 'stop',
        prompt_tokens: 5,
        output_tokens: 3,
        prompt_truncated: false,
        target_tokens: 4,
        token_loss_sum: 1.5,
        token_correct: 2,
        metadata: { intent: 'billing' },
        score_bleu: model === 'base' ? 0 : i / 10,
        correct_intent: i % 3 === 0
      });
  await writePredictionsParquet(file, columns, rows);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('prediction pages', () => {
  it('pages one model in example order with the total and the score columns', async () => {
    const p = await pagePredictions(file, 'eval', { model: 'tuned', offset: 10, limit: 5 });
    expect(p.total).toBe(N);
    expect(p.models).toEqual(['base', 'tuned']);
    expect(p.score_columns).toEqual(['score_bleu', 'correct_intent']);
    expect(p.rows.map((r) => r.example_index)).toEqual([10, 11, 12, 13, 14]);
    expect(p.rows[0]).toMatchObject({ model: 'tuned', reference: 'answer 10', output: 'answer 10 indeed', scores: { score_bleu: 1, correct_intent: false } });
    expect(p.rows[2].scores.correct_intent).toBe(true);
  });

  it('pages every model when none is named (example, then model order)', async () => {
    const p = await pagePredictions(file, 'eval', { offset: 0, limit: 4 });
    expect(p.total).toBe(2 * N);
    expect(p.rows.map((r) => `${r.example_index}:${r.model}`)).toEqual(['0:base', '0:tuned', '1:base', '1:tuned']);
  });

  it('sorts by a score column both ways, ties in example order', async () => {
    const desc = await pagePredictions(file, 'eval', { model: 'tuned', sort: 'score_bleu', desc: true, limit: 3 });
    expect(desc.rows.map((r) => r.example_index)).toEqual([29, 28, 27]);
    const asc = await pagePredictions(file, 'eval', { sort: 'score_bleu', limit: 3 });
    expect(asc.rows.map((r) => `${r.example_index}:${r.model}`)).toEqual(['0:base', '0:tuned', '1:base']);
  });

  it('searches prompt, reference and output case-insensitively, as plain text', async () => {
    const parcel = await pagePredictions(file, 'eval', { q: 'parcel' });
    expect(parcel.total).toBe(2);
    expect(parcel.rows.every((r) => r.example_index === 7)).toBe(true);
    const indeed = await pagePredictions(file, 'eval', { model: 'tuned', q: 'INDEED', limit: 100 });
    expect(indeed.total).toBe(N / 2);
    // LIKE wildcards and quotes are text, not syntax
    expect((await pagePredictions(file, 'eval', { q: "%' OR 1=1 --" })).total).toBe(0);
    expect((await pagePredictions(file, 'eval', { q: '_' })).total).toBe(0);
  });

  it('clamps the page size and refuses unknown models and sort columns', async () => {
    expect((await pagePredictions(file, 'eval', { limit: 100_000 })).rows).toHaveLength(2 * N);
    expect((await pagePredictions(file, 'eval', { offset: 2 * N + 5 })).rows).toEqual([]);
    await expect(pagePredictions(file, 'eval', { model: 'nope' })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    expect(() => predictionSql({ sort: 'score_bleu; DROP TABLE x' }, ['score_bleu'])).toThrow(ApiFailure);
    await expect(pagePredictions(file, 'eval', { sort: 'nope' })).rejects.toMatchObject({ status: 400, code: 'bad_sort' });
  });
});
