import fs from 'node:fs/promises';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { numberFlag, parseFlags } from '../args.ts';
import { renderTable } from '../format.ts';
import {
  formatCard,
  formatIssue,
  isBleuSmoothing,
  isBleuTokenizerName,
  isScoreMetric,
  parsePairsJsonl,
  runScore,
  SCORE_METRICS,
  type ScoreReport,
  type ScoreRequest
} from '../../engine/eval/index.ts';

const usage = `Usage: tunebench score --metric METRIC --input FILE.jsonl [options] [--json]

Scores hypotheses against references with metrics identical to sacreBLEU 2.6.0 and
rouge-score 0.1.2. Each input line is {"hyp": "...", "refs": ["...", ...]}: several references
are allowed and a reference may be null (absent). {"hyp": "...", "ref": "..."} is accepted too.

Metrics:
  bleu                 BLEU (sacreBLEU); corpus score, or one score per line with --level sentence
  chrf, chrf++         chrF / chrF++ (sacreBLEU)
  rouge1, rouge2, rougeL, rougeLsum
                       ROUGE (rouge-score): per-line precision/recall/F and their mean
  llamafactory-bleu    LLaMA-Factory's BLEU-4: character tokens, NLTK smoothing method3,
                       mean over lines (to compare with numbers LLaMA-Factory reported)

Options:
  --level corpus|sentence   BLEU and chrF (default corpus; ROUGE is always per line + mean)
  --tokenize NAME           BLEU: 13a (default), zh, char, intl, none
                            ROUGE: default (rouge-score's, ASCII only), han_char (one token per
                            Han character, for Chinese)
  --lowercase               BLEU and chrF: case-insensitive (ROUGE always lower-cases)
  --stem                    ROUGE: Porter stemming (NLTK 3.8)
  --smooth METHOD           BLEU: exp (default), floor, add-k, none
  --smooth-value X          BLEU: value for floor (default 0.1) or add-k (default 1)
  --json                    machine-readable output (fields documented in README)`;

/** Turns flags into a ScoreRequest, refusing options that do not apply to the metric. */
function requestFrom(values: Record<string, string | boolean | undefined>): ScoreRequest {
  const metric = values.metric as string | undefined;
  if (!metric) throw new UsageError(`--metric is required (one of ${SCORE_METRICS.join(', ')})\n\n${usage}`);
  if (!isScoreMetric(metric)) throw new UsageError(`unknown metric '${metric}' (one of ${SCORE_METRICS.join(', ')})`);
  const level = (values.level as string | undefined) ?? 'corpus';
  if (level !== 'corpus' && level !== 'sentence') throw new UsageError(`--level expects corpus or sentence, got '${level}'`);
  const isBleu = metric === 'bleu';
  const isRouge = metric.startsWith('rouge');
  const isChrf = metric === 'chrf' || metric === 'chrf++';
  const tok = values.tokenize as string | undefined;
  const notFor = (flag: string) => new UsageError(`${flag} does not apply to ${metric}`);

  const req: ScoreRequest = { metric, level, lowercase: Boolean(values.lowercase), stem: Boolean(values.stem) };
  if (tok !== undefined && tok !== 'default') {
    if (isBleu) {
      if (!isBleuTokenizerName(tok)) throw new UsageError(`--tokenize for bleu expects 13a, zh, char, intl or none, got '${tok}'`);
      req.tokenize = tok;
    } else if (isRouge) {
      if (tok !== 'han_char') throw new UsageError(`--tokenize for ${metric} expects default or han_char, got '${tok}'`);
      req.rougeTokenizer = 'han_char';
    } else throw new UsageError(`--tokenize does not apply to ${metric} (${isChrf ? 'chrF works on characters' : 'it uses characters'})`);
  }
  if (values.stem && !isRouge) throw notFor('--stem');
  if (values.lowercase && !(isBleu || isChrf || isRouge)) throw notFor('--lowercase');
  if (values.smooth !== undefined) {
    if (!isBleu) throw notFor('--smooth');
    const s = values.smooth as string;
    if (!isBleuSmoothing(s)) throw new UsageError(`--smooth expects exp, floor, add-k or none, got '${s}'`);
    req.smooth = s;
  }
  if (values['smooth-value'] !== undefined) {
    if (!isBleu) throw notFor('--smooth-value');
    req.smoothValue = numberFlag(values['smooth-value'] as string, 'smooth-value');
  }
  if (values.level !== undefined && metric === 'llamafactory-bleu') throw notFor('--level');
  return req;
}

function fmt(x: number, digits = 2): string {
  return x.toFixed(digits);
}

/** The readable summary: the number(s), then the metric card. */
function humanReport(r: ScoreReport, segmentsShown = 20): string {
  const out: string[] = [];
  const segs = (r.segments as Record<string, number>[] | undefined) ?? [];
  if (r.metric === 'bleu' && r.level === 'corpus') {
    const b = r as unknown as { score: number; precisions: number[]; bp: number; sys_len: number; ref_len: number; signature: string };
    const ratio = b.ref_len ? b.sys_len / b.ref_len : 0;
    out.push(`BLEU|${b.signature} = ${fmt(b.score)} ${b.precisions.map((p) => p.toFixed(1)).join('/')} (BP = ${b.bp.toFixed(3)} ratio = ${ratio.toFixed(3)} hyp_len = ${b.sys_len} ref_len = ${b.ref_len})`);
  } else if ((r.metric === 'chrf' || r.metric === 'chrf++') && r.level === 'corpus') {
    out.push(`${r.name as string}|${r.signature as string} = ${fmt(r.score as number)}`);
  } else if (r.metric.startsWith('rouge')) {
    const m = r.mean as { precision: number; recall: number; fmeasure: number };
    out.push(`${r.card.name} (${r.tokenizer as string}${r.stem ? ', stemmed' : ''}), mean over ${segs.length} lines: P = ${fmt(m.precision, 4)}  R = ${fmt(m.recall, 4)}  F = ${fmt(m.fmeasure, 4)}`);
    const rows = segs.slice(0, segmentsShown).map((s, i) => [i + 1, Number(fmt(s.precision, 4)), Number(fmt(s.recall, 4)), Number(fmt(s.fmeasure, 4))]);
    out.push(renderTable(['line', 'precision', 'recall', 'fmeasure'], rows));
  } else {
    const headline = (r.mean as number | undefined) ?? (r.score as number);
    out.push(`${r.card.name}: mean over ${segs.length} lines = ${fmt(headline)}`);
    out.push(renderTable(['line', 'score'], segs.slice(0, segmentsShown).map((s, i) => [i + 1, Number(fmt(s.score))])));
  }
  if (segs.length > segmentsShown && !(r.metric === 'bleu' && r.level === 'corpus')) out.push(`(first ${segmentsShown} of ${segs.length} lines; --json prints all)`);
  out.push('', formatCard(r.card));
  return out.join('\n');
}

export const scoreCommand: CliCommand = {
  name: 'score',
  usage,
  async run(ctx) {
    const { values } = parseFlags(
      ctx.argv,
      {
        metric: { type: 'string' },
        input: { type: 'string' },
        level: { type: 'string' },
        tokenize: { type: 'string' },
        lowercase: { type: 'boolean' },
        stem: { type: 'boolean' },
        smooth: { type: 'string' },
        'smooth-value': { type: 'string' },
        json: { type: 'boolean' }
      },
      usage
    );
    const request = requestFrom(values);
    const file = values.input;
    if (!file) throw new UsageError(`--input FILE.jsonl is required\n\n${usage}`);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --input ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const { pairs, issues } = parsePairsJsonl(text, file);
    if (issues.length) {
      ctx.io.err(issues.map(formatIssue).join('\n'));
      ctx.io.err(`tunebench: ${file}: ${issues.length >= 20 ? 'at least ' : ''}${issues.length} bad line${issues.length === 1 ? '' : 's'}; nothing scored`);
      return 1;
    }
    if (pairs.hyps.length === 0) {
      ctx.io.err(`tunebench: ${file}: no input lines`);
      return 1;
    }
    const report = runScore(pairs.hyps, pairs.refs, request);
    ctx.io.out(values.json ? JSON.stringify(report, null, 2) : humanReport(report));
    return 0;
  }
};
