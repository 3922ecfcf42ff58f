/**
 * Which intent a generated output names, for intent_accuracy / intent_f1 (against COLUMN).
 *
 * The model is expected to answer with the label itself (as in intent-classification data such
 * as banking77, where the assistant turn IS the label). The output is normalised — trimmed,
 * lower-cased, whitespace runs and '_'/'-' between words made one space, surrounding quotes and
 * final punctuation removed — and compared with the gold labels of the evaluated examples,
 * normalised the same way:
 *   - equal to a known label  → that label (in its gold spelling);
 *   - otherwise, when the output's first line is a known label → that label;
 *   - otherwise the normalised text itself (an unknown label: wrong, and it shows in the
 *     confusion matrix), or null ("(none)") when the output is empty.
 */

export function normaliseLabel(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^["'`“”‘’]+|["'`“”‘’]+$/gu, '')
    .replace(/[.!?。！？,，;；:：]+$/u, '')
    .replace(/[\s_-]+/gu, ' ')
    .trim();
}

export interface IntentPredictor {
  predict(output: string): string | null;
}

/** A predictor over the label set `labels` (gold labels as written in the data). */
export function intentPredictor(labels: Iterable<string>): IntentPredictor {
  const known = new Map<string, string>();
  for (const l of labels) if (!known.has(normaliseLabel(l))) known.set(normaliseLabel(l), l);
  return {
    predict(output: string): string | null {
      const n = normaliseLabel(output);
      if (!n) return null;
      const hit = known.get(n);
      if (hit !== undefined) return hit;
      const first = normaliseLabel(output.trim().split('\n')[0] ?? '');
      return known.get(first) ?? n;
    }
  };
}
