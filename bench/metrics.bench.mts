/**
 * Metric speed: corpus BLEU, chrF (and chrF++) over the 100,000 pairs of
 * ../shared/eval-fixtures/bench/pairs-100k.jsonl.gz, ROUGE-L over the first 10,000, with
 * NLTK's corpus_bleu (Debian python3-nltk) timed side by side in the same run on the same
 * 13a-tokenized pairs, and the published sacreBLEU / rouge-score times for this machine kind.
 *
 *   node --import tsx bench/metrics.bench.mts [--rounds N] [--nltk-rounds N] [--no-nltk]
 *
 * TUNEBENCH_SHARED overrides where ../shared is (as in tests/support/shared.ts).
 * Times are wall-clock medians of the scoring call only (data already in memory), like the anchors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bleuTokens, corpusBleu, corpusChrf, corpusRouge, resolveBleuOptions } from '../src/engine/eval/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_DIR = path.resolve(process.env.TUNEBENCH_SHARED ?? path.join(repoRoot, '..', 'shared'));
const PAIRS = path.join(SHARED_DIR, 'eval-fixtures', 'bench', 'pairs-100k.jsonl.gz');
const PYTHON = '/usr/bin/python3'; // Debian's interpreter: python3-nltk installs there

const args = process.argv.slice(2);
const flag = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const ROUNDS = flag('--rounds', 5);
const NLTK_ROUNDS = flag('--nltk-rounds', 3);

/** Published figures (eval-fixtures README, "Speed anchor"): same workload, this machine kind. */
const ANCHORS = {
  bleu: { seconds: 18.98, peer: 'sacreBLEU 2.6.0 BLEU().corpus_score, 100k pairs' },
  chrf: { seconds: 43.94, peer: 'sacreBLEU 2.6.0 CHRF().corpus_score, 100k pairs' },
  chrfpp: { seconds: 47.29, peer: 'sacreBLEU 2.6.0 CHRF(word_order=2).corpus_score, 100k pairs' },
  rougeL: { seconds: 1.41, peer: 'rouge-score 0.1.2 RougeScorer(["rougeL"]).score per pair, first 10k' },
  rougeLstem: { seconds: 3.46, peer: 'rouge-score 0.1.2 RougeScorer(["rougeL"], use_stemmer=True), first 10k' }
};
/** Values the reference implementations produce on this file (README); ours must be equal. */
const EXPECTED = { bleu: 56.208195068122414, chrf: 77.8706316358661, chrfpp: 77.65834214070885, rougeL: 0.8495783930046784, rougeLstem: 0.849617610902099 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeIt<T>(rounds: number, fn: () => T): { seconds: number[]; value: T } {
  const seconds: number[] = [];
  let value!: T;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    value = fn();
    seconds.push((performance.now() - t0) / 1000);
  }
  return { seconds, value };
}

function fmtS(xs: number[]): string {
  return `${median(xs).toFixed(3)} s (min ${Math.min(...xs).toFixed(3)}, max ${Math.max(...xs).toFixed(3)}, ${xs.length} rounds)`;
}

function check(label: string, got: number, want: number, tol: number): string {
  return Math.abs(got - want) <= tol ? `= reference (${want})` : `!! differs from reference ${want} by ${Math.abs(got - want)} (${label})`;
}

function ensureNltk(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import nltk; print(nltk.__version__)'], { encoding: 'utf8' });
  if (probe.status === 0) return probe.stdout.trim();
  console.log(`NLTK: not installed for ${PYTHON}; installing Debian's python3-nltk with apt-get install -y python3-nltk …`);
  const apt = spawnSync('apt-get', ['install', '-y', 'python3-nltk'], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (apt.status !== 0) {
    console.log(`NLTK: apt-get failed (${apt.status}): ${(apt.stderr || apt.stdout || '').trim().split('\n').slice(-2).join(' | ')}`);
    return null;
  }
  const again = spawnSync(PYTHON, ['-c', 'import nltk; print(nltk.__version__)'], { encoding: 'utf8' });
  return again.status === 0 ? again.stdout.trim() : null;
}

function main(): void {
  if (!fs.existsSync(PAIRS)) {
    console.error(`metrics bench: ${PAIRS} not found (set TUNEBENCH_SHARED to the shared folder)`);
    process.exit(1);
  }
  const rows = zlib.gunzipSync(fs.readFileSync(PAIRS)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { hyp: string; ref: string });
  const hyps = rows.map((r) => r.hyp);
  const refs = rows.map((r) => [r.ref]);
  const hyps10k = hyps.slice(0, 10_000);
  const refs10k = refs.slice(0, 10_000);
  console.log(`tunebench metric benchmark — ${rows.length} pairs from ${PAIRS}`);
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, node ${process.version}; ${ROUNDS} rounds each, median wall time of the scoring call\n`);

  // Warm-up so the first timed round is not the JIT's.
  corpusBleu(hyps10k, refs10k);
  corpusChrf(hyps10k, refs10k);
  corpusRouge(hyps10k.slice(0, 1000), refs10k.slice(0, 1000), { types: ['rougeL'] });

  const bleu = timeIt(ROUNDS, () => corpusBleu(hyps, refs));
  const chrf = timeIt(ROUNDS, () => corpusChrf(hyps, refs));
  const chrfpp = timeIt(ROUNDS, () => corpusChrf(hyps, refs, { wordOrder: 2 }));
  const rougeL = timeIt(ROUNDS, () => corpusRouge(hyps10k, refs10k, { types: ['rougeL'] }));
  const rougeLstem = timeIt(ROUNDS, () => corpusRouge(hyps10k, refs10k, { types: ['rougeL'], useStemmer: true }));
  const rougeL100k = timeIt(Math.min(ROUNDS, 3), () => corpusRouge(hyps, refs, { types: ['rougeL'] }));

  console.log('tunebench (this run):');
  console.log(`  corpus BLEU 13a, 100k   ${fmtS(bleu.seconds)}  score ${bleu.value.score} ${check('bleu', bleu.value.score, EXPECTED.bleu, 1e-9)}`);
  console.log(`  corpus chrF, 100k       ${fmtS(chrf.seconds)}  score ${chrf.value.score} ${check('chrf', chrf.value.score, EXPECTED.chrf, 1e-9)}`);
  console.log(`  corpus chrF++, 100k     ${fmtS(chrfpp.seconds)}  score ${chrfpp.value.score} ${check('chrf++', chrfpp.value.score, EXPECTED.chrfpp, 1e-9)}`);
  console.log(`  ROUGE-L, first 10k      ${fmtS(rougeL.seconds)}  mean F ${rougeL.value.mean.rougeL!.fmeasure} ${check('rougeL', rougeL.value.mean.rougeL!.fmeasure, EXPECTED.rougeL, 1e-12)}`);
  console.log(`  ROUGE-L stemmed, 10k    ${fmtS(rougeLstem.seconds)}  mean F ${rougeLstem.value.mean.rougeL!.fmeasure} ${check('rougeL stem', rougeLstem.value.mean.rougeL!.fmeasure, EXPECTED.rougeLstem, 1e-12)}`);
  console.log(`  ROUGE-L, all 100k       ${fmtS(rougeL100k.seconds)}`);

  // NLTK, side by side on the same pairs with the same (13a) tokens.
  console.log('\nNLTK corpus_bleu (measured now, same machine, same pairs, tunebench 13a tokens, default weights/no smoothing):');
  const nltkVersion = args.includes('--no-nltk') ? null : ensureNltk();
  let nltkMedian: number | null = null;
  if (nltkVersion) {
    const o = resolveBleuOptions(undefined, 'corpus');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tunebench-bench-'));
    const file = path.join(tmp, 'pairs-13a.tsv');
    fs.writeFileSync(file, rows.map((r) => `${bleuTokens(r.hyp, o).join(' ')}\t${bleuTokens(r.ref, o).join(' ')}`).join('\n') + '\n');
    const run = spawnSync(PYTHON, [path.join(repoRoot, 'bench', 'metrics-nltk.py'), file, String(NLTK_ROUNDS)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    fs.rmSync(tmp, { recursive: true, force: true });
    if (run.status !== 0) console.log(`  NLTK run failed: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    else {
      const res = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seconds: number; score: number });
      nltkMedian = median(res.map((r) => r.seconds));
      console.log(`  NLTK ${nltkVersion}: ${fmtS(res.map((r) => r.seconds))}  score ${res[0].score} ${check('nltk vs sacreBLEU', res[0].score, EXPECTED.bleu, 1e-9)}`);
      console.log(`  ratio NLTK / tunebench corpus BLEU = ${(nltkMedian / median(bleu.seconds)).toFixed(1)}x (tunebench also tokenizes; NLTK gets tokens)`);
    }
  } else console.log('  skipped (python3-nltk not available)');

  console.log('\nPublished reference times (eval-fixtures README: same workload, measured on an Intel Xeon (family 6, model 167),');
  console.log('2 vCPUs; compare with care when this machine differs). sacreBLEU and rouge-score cannot be installed here');
  console.log('(not packaged in Debian, no PyPI access), so they are quoted, not re-measured:');
  const vs = (name: string, ours: number[], a: { seconds: number; peer: string }) =>
    console.log(`  ${name.padEnd(22)} ${a.peer}: ${a.seconds} s → tunebench ${median(ours).toFixed(3)} s, ${(a.seconds / median(ours)).toFixed(1)}x faster (target ≥ 5x)`);
  vs('corpus BLEU', bleu.seconds, ANCHORS.bleu);
  vs('corpus chrF', chrf.seconds, ANCHORS.chrf);
  vs('corpus chrF++', chrfpp.seconds, ANCHORS.chrfpp);
  vs('ROUGE-L 10k', rougeL.seconds, ANCHORS.rougeL);
  vs('ROUGE-L stemmed 10k', rougeLstem.seconds, ANCHORS.rougeLstem);
  if (nltkMedian !== null) console.log(`  (NLTK, measured above: ${nltkMedian.toFixed(3)} s for corpus BLEU)`);
}

main();
