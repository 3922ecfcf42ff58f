/**
 * sacreBLEU 2.6.0's reproducibility signatures, e.g.
 *   BLEU: nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0
 *   chrF: nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0
 * Field order is sacreBLEU's: nrefs, [bs, seed when bootstrapping], the metric's fields, version
 * last. `nrefs:var` when segments have different numbers of non-null references.
 */
import { BLEU_SMOOTH_DEFAULTS, type BleuSmoothing } from './bleu/bleu-score.ts';
import { pyRound } from './text/python-text.ts';

/** The sacreBLEU release whose numbers these metrics reproduce. */
export const SACREBLEU_VERSION = '2.6.0';

export type NumRefs = number | 'var';

/** Number of non-null references per segment → the signature's nrefs value. */
export function numRefsOf(refs: ReadonlyArray<ReadonlyArray<string | null>>): NumRefs {
  const seen = new Set<number>();
  for (const r of refs) {
    let k = 0;
    for (const x of r) if (x !== null && x !== undefined) k++;
    seen.add(k);
  }
  return seen.size === 1 ? [...seen][0] : 'var';
}

export interface BootstrapSignature {
  resamples: number;
  seed: number | string;
}

function head(nrefs: NumRefs, bootstrap?: BootstrapSignature): string[] {
  const parts = [`nrefs:${nrefs}`];
  if (bootstrap) parts.push(`bs:${bootstrap.resamples}`, `seed:${bootstrap.seed}`);
  return parts;
}

export function bleuSignature(o: {
  nrefs: NumRefs;
  lowercase: boolean;
  effectiveOrder: boolean;
  tokenize: string;
  smooth: BleuSmoothing;
  smoothValue: number | null;
  bootstrap?: BootstrapSignature;
}): string {
  let smooth: string = o.smooth;
  const def = BLEU_SMOOTH_DEFAULTS[o.smooth];
  if (def !== null) smooth += `[${pyRound(o.smoothValue ?? def, 2).toFixed(2)}]`;
  return [
    ...head(o.nrefs, o.bootstrap),
    `case:${o.lowercase ? 'lc' : 'mixed'}`,
    `eff:${o.effectiveOrder ? 'yes' : 'no'}`,
    `tok:${o.tokenize}`,
    `smooth:${smooth}`,
    `version:${SACREBLEU_VERSION}`
  ].join('|');
}

export function chrfSignature(o: {
  nrefs: NumRefs;
  lowercase: boolean;
  epsSmoothing: boolean;
  charOrder: number;
  wordOrder: number;
  whitespace: boolean;
  bootstrap?: BootstrapSignature;
}): string {
  return [
    ...head(o.nrefs, o.bootstrap),
    `case:${o.lowercase ? 'lc' : 'mixed'}`,
    `eff:${o.epsSmoothing ? 'no' : 'yes'}`,
    `nc:${o.charOrder}`,
    `nw:${o.wordOrder}`,
    `space:${o.whitespace ? 'yes' : 'no'}`,
    `version:${SACREBLEU_VERSION}`
  ].join('|');
}
