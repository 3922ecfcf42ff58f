/**
 * The rows and columns of predictions.parquet: one row per model × scored example, in model
 * order then example order. Columns: BASE_COLUMNS, then one per metric with a per-example value
 * (score_<key>: sentence BLEU 0–100, sentence chrF 0–100, ROUGE F 0–1, exact match 0/1,
 * LLaMA-Factory BLEU-4, per-example perplexity and token accuracy), two per style
 * (style_<name> score, style_<name>_ok), and three per label column C of the intent metrics
 * (gold_C, predicted_C, correct_C).
 */
import type { EvalExample } from './examples.ts';
import { BASE_COLUMNS, type PredictionColumn } from './eval-file.ts';
import type { MetricSpec, StyleSpec } from './metric-specs.ts';
import { columnName } from './metric-specs.ts';
import type { ModelPassResult } from './model-pass.ts';
import type { ResolvedEvalModel } from './models.ts';
import type { ModelScores, ScoringRow } from './scoring.ts';
import type { PredictionRow } from './write-results.ts';

export function labelColumnNames(col: string): { gold: string; predicted: string; correct: string } {
  const c = columnName(col);
  return { gold: `gold_${c}`, predicted: `predicted_${c}`, correct: `correct_${c}` };
}

export function predictionColumns(specs: MetricSpec[], styles: StyleSpec[], labelCols: string[]): PredictionColumn[] {
  const cols = [...BASE_COLUMNS];
  for (const s of specs) if (s.column) cols.push({ name: s.column, type: 'DOUBLE', meaning: `${s.key}: ${(s.example_card ?? s.card).name} of the example (${(s.example_card ?? s.card).range})` });
  for (const s of styles) {
    cols.push({ name: s.column, type: 'DOUBLE', meaning: `style ${s.name}: score 0–1` });
    cols.push({ name: s.ok_column, type: 'BOOLEAN', meaning: `style ${s.name}: the output is in style (score ≥ ${s.params.threshold})` });
  }
  for (const c of labelCols) {
    const n = labelColumnNames(c);
    cols.push({ name: n.gold, type: 'VARCHAR', meaning: `the example's ${c} (gold label)` });
    cols.push({ name: n.predicted, type: 'VARCHAR', meaning: `the ${c} the output names (null: empty output)` });
    cols.push({ name: n.correct, type: 'BOOLEAN', meaning: `predicted ${c} equals the gold label (null: unlabelled)` });
  }
  return cols;
}

export function predictionRows(x: {
  models: ResolvedEvalModel[];
  passes: ModelPassResult[];
  scored: EvalExample[];
  perModel: { rows: ScoringRow[]; scores: ModelScores }[];
  labelCols: string[];
  columns: PredictionColumn[];
}): PredictionRow[] {
  const out: PredictionRow[] = [];
  const scoreCols = x.columns.slice(BASE_COLUMNS.length).map((c) => c.name);
  x.models.forEach((m, k) => {
    const pass = x.passes[k];
    const { rows, scores } = x.perModel[k];
    x.scored.forEach((e, i) => {
      const g = pass.outputs.get(e.index)!;
      const t = pass.tokenStats.get(e.index)!;
      const row: PredictionRow = {
        model: m.label,
        model_index: k,
        example_index: e.index,
        conversation_id: e.conversation_id,
        prompt: pass.prompts.get(e.index) ?? null,
        reference: e.reference,
        output: g.output,
        finish_reason: g.finish_reason,
        prompt_tokens: g.prompt_tokens,
        output_tokens: g.output_tokens,
        prompt_truncated: g.prompt_truncated,
        target_tokens: t.tokens,
        token_loss_sum: t.lossSum,
        token_correct: t.correct,
        metadata: e.metadata
      };
      for (const c of scoreCols) if (c in scores.columns) row[c] = scores.columns[c][i] ?? null;
      for (const c of x.labelCols) {
        const n = labelColumnNames(c);
        const l = rows[i].labels[c];
        row[n.gold] = l.gold;
        row[n.predicted] = l.predicted;
        row[n.correct] = l.gold === null ? null : l.gold === l.predicted;
      }
      out.push(row);
    });
  });
  return out;
}
