/**
 * Intent accuracy and macro-F1 with a confusion matrix, as scikit-learn computes them
 * (`accuracy_score`, `f1_score(average='macro')` over the union of gold and predicted labels,
 * 0 for a label whose precision and recall are both undefined). A missing prediction (null, e.g.
 * the output named no known intent) becomes the label "(none)".
 */

export const NO_PREDICTION = '(none)';

export interface LabelScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Gold examples with this label. */
  support: number;
}

export interface ClassificationReport {
  examples: number;
  /** Share of exact label matches, 0–1. */
  accuracy: number;
  /** Unweighted mean of per-label F1 over `labels`, 0–1. */
  macroF1: number;
  /** Sorted union of gold and predicted labels; rows and columns of `confusion`. */
  labels: string[];
  /** confusion[g][p] = examples with gold labels[g] predicted as labels[p]. */
  confusion: number[][];
  perLabel: LabelScores[];
}

export function classificationReport(gold: readonly string[], predicted: readonly (string | null)[]): ClassificationReport {
  if (gold.length !== predicted.length) throw new RangeError(`${gold.length} gold labels but ${predicted.length} predictions`);
  const pred = predicted.map((p) => p ?? NO_PREDICTION);
  const labels = [...new Set([...gold, ...pred])].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => new Array<number>(labels.length).fill(0));
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    confusion[index.get(gold[i])!][index.get(pred[i])!]++;
    if (gold[i] === pred[i]) correct++;
  }
  const perLabel = labels.map((label, k) => {
    const tp = confusion[k][k];
    let goldK = 0;
    let predK = 0;
    for (let j = 0; j < labels.length; j++) {
      goldK += confusion[k][j];
      predK += confusion[j][k];
    }
    const fp = predK - tp;
    const fn = goldK - tp;
    const precision = predK > 0 ? tp / predK : 0;
    const recall = goldK > 0 ? tp / goldK : 0;
    const f1 = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
    return { label, precision, recall, f1, support: goldK };
  });
  const n = gold.length;
  return {
    examples: n,
    accuracy: n ? correct / n : 0,
    macroF1: labels.length ? perLabel.reduce((a, l) => a + l.f1, 0) / labels.length : 0,
    labels,
    confusion,
    perLabel
  };
}
