/**
 * Training throughput of tunebench (TensorFlow.js, WASM) against PyTorch on CPU, side by side in
 * one run, on a randomly initialised stories15M-shape Llama (dim 288, 6 layers, 6 heads, SwiGLU
 * 768, vocab 32,000, tied embeddings), sequences of 256 random tokens, every position a target:
 *
 *   lora   LoRA r=16, α=32 on q_proj and v_proj, no dropout, AdamW, clip 1.0
 *   full   full fine-tuning, AdamW, clip 1.0
 *
 * Peer: bench/train_ref.py, the same shape in plain PyTorch, run with Debian's python3-torch as a
 * user would tune it: torch.set_num_threads(T) and Debian's OpenMP OpenBLAS (libopenblas0-openmp)
 * on LD_LIBRARY_PATH. Both packages are installed with apt when missing (root only).
 * Tokens/s come from the median step time (steps listed), measured mode by mode, ours then the
 * peer's. Also: the top kernels of a tf.profile of one LoRA step, the WASM heap, and generation tokens/s
 * with the KV cache on the same shape (measured in a child process with 1 thread: decoding is
 * many tiny kernels, which threads slow down).
 *
 *   node --import tsx bench/train.bench.mts [--threads 2] [--batch 8] [--seq 256] [--steps 4]
 *        [--warmup 1] [--modes lora,full] [--no-torch] [--no-generate]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/train/backend.ts';
import { buildModel } from '../src/engine/model/load.ts';
import { memoryWeights } from '../src/engine/model/weights.ts';
import { PRESETS, randomTensors } from '../src/engine/model/init.ts';
import type { CausalLM } from '../src/engine/model/causal-lm.ts';
import { attachLora } from '../src/engine/train/lora.ts';
import { AdamW, type OptimParam } from '../src/engine/train/optimizer.ts';
import { trainStep } from '../src/engine/train/step.ts';
import type { Example } from '../src/engine/train/data.ts';
import { generateBatch } from '../src/engine/generate/generate.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    batch: { type: 'string', default: '8' },
    seq: { type: 'string', default: '256' },
    steps: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1' },
    modes: { type: 'string', default: 'lora,full' },
    'no-torch': { type: 'boolean', default: false },
    'no-generate': { type: 'boolean', default: false },
    'generate-only': { type: 'boolean', default: false }
  }
});
const THREADS = Number(args.threads);
const B = Number(args.batch);
const T = Number(args.seq);
const STEPS = Number(args.steps);
const WARMUP = Number(args.warmup);
const CFG = PRESETS.stories15m.config;

function makeModel(): CausalLM {
  const tensors = randomTensors(CFG, 1);
  return buildModel(CFG, memoryWeights(new Map(tensors.map((t) => [t.name, { shape: t.shape, data: t.data }]))));
}

/** B random sequences of T tokens; every position after the first is a target. */
function randomBatch(): { examples: Example[]; micro: number[][][] } {
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) % CFG.vocabSize;
  const examples = Array.from({ length: B }, () => {
    const ids = Int32Array.from({ length: T }, next);
    const mask = new Uint8Array(T).fill(1);
    mask[0] = 0;
    return { ids, mask, targets: T - 1 };
  });
  return { examples, micro: [examples.map((_, i) => [i])] };
}

/** The median step time: one step slowed by another process on a shared machine does not move it. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function heapMb(): number {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return b.wasm ? Math.round(b.wasm.HEAPU8.length / 1e6) : 0;
}

interface Measured {
  mode: string;
  tokensPerSecond: number;
  stepMs: number[];
  peakMb: number;
  heapMb: number;
  trainable: number;
  error?: string;
}

async function measure(mode: 'lora' | 'full', profile: boolean): Promise<{ m: Measured; kernels?: string[] }> {
  const model = makeModel();
  let params: OptimParam[];
  let dispose = () => {};
  if (mode === 'lora') {
    model.setTrainable(() => false);
    const ad = attachLora(model, { rank: 16, alpha: 32, dropout: 0, targets: ['q_proj', 'v_proj'] }, 1);
    params = ad.params();
    dispose = () => ad.dispose();
  } else {
    model.setTrainable(() => true);
    params = [...model.params.values()].map((p) => ({ name: p.name, variable: p.variable }));
  }
  const opt = new AdamW(params);
  const { examples, micro } = randomBatch();
  const step = () => trainStep({ model, params, optimizer: opt, examples, micro, padId: 0, lr: 1e-4, gradClip: 1 });
  const times: number[] = [];
  let peak = 0;
  try {
    for (let i = 0; i < WARMUP + STEPS; i++) {
      const t0 = performance.now();
      step();
      const dt = performance.now() - t0;
      if (i >= WARMUP) times.push(dt);
    }
    let kernels: string[] | undefined;
    const p = await tf.profile(() => {
      step();
    });
    peak = p.peakBytes;
    if (profile) {
      const agg = new Map<string, { n: number; ms: number }>();
      for (const k of p.kernels) {
        const key = `${k.name} ${(k.inputShapes as number[][]).map((x) => `[${x.join('×')}]`).join(' ')}`;
        const a = agg.get(key) ?? { n: 0, ms: 0 };
        a.n++;
        a.ms += k.kernelTimeMs as number;
        agg.set(key, a);
      }
      const total = p.kernels.reduce((sum, k) => sum + (k.kernelTimeMs as number), 0);
      kernels = [`${p.kernels.length} kernels, ${Math.round(total)} ms inside kernels (profiled step; profiling adds overhead)`];
      for (const [k, v] of [...agg].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) kernels.push(`${v.ms.toFixed(0).padStart(6)} ms ${String(v.n).padStart(5)}× ${k}`);
    }
    return { m: { mode, tokensPerSecond: (B * T * 1000) / median(times), stepMs: times.map((t) => Math.round(t)), peakMb: Math.round(peak / 1e6), heapMb: heapMb(), trainable: params.reduce((n, x) => n + x.variable.size, 0) }, kernels };
  } catch (e) {
    return { m: { mode, tokensPerSecond: 0, stepMs: times.map(Math.round), peakMb: 0, heapMb: heapMb(), trainable: 0, error: (e as Error).message.split('\n')[0] } };
  } finally {
    opt.dispose();
    dispose();
    model.dispose();
  }
}

async function generation(): Promise<{ tokensPerSecond: number; prefillMs: number; tokens: number }> {
  const model = makeModel();
  const prompt = Array.from({ length: 16 }, (_, i) => (i * 977 + 1) % CFG.vocabSize);
  const g = { model, tokenizer: null, generation: { bosTokenId: 1, eosTokenIds: [], padTokenId: null, maxLength: null, doSample: false, temperature: null, topP: null, topK: null } };
  await generateBatch(g, [prompt], { maxTokens: 8, temperature: 0, stopTokenIds: [] });
  const { stats, results } = await generateBatch(g, [prompt], { maxTokens: 128, temperature: 0, stopTokenIds: [] });
  model.dispose();
  return { tokensPerSecond: stats.tokensPerSecond, prefillMs: stats.prefillMs, tokens: results[0].ids.length };
}

// ─── PyTorch peer ───────────────────────────────────────────────────────────────────────────
const PY = '/usr/bin/python3';

function ensurePackages(): string | null {
  const missing: string[] = [];
  if (spawnSync(PY, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) missing.push('python3-torch');
  if (spawnSync('dpkg', ['-s', 'libopenblas0-openmp'], { stdio: 'ignore' }).status !== 0) missing.push('libopenblas0-openmp');
  if (!missing.length) return null;
  if (process.getuid?.() !== 0) return `missing ${missing.join(', ')} (install them with apt as root)`;
  console.log(`installing ${missing.join(', ')} with apt…`);
  const r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit' });
  return r.status === 0 ? null : `apt-get install ${missing.join(' ')} failed`;
}

function openblasDir(): string | null {
  try {
    const files = execFileSync('dpkg', ['-L', 'libopenblas0-openmp'], { encoding: 'utf8' }).split('\n');
    const so = files.find((f) => /openblas-openmp\/libopenblas\.so\.0$/.test(f)) ?? files.find((f) => /libopenblas.*\.so/.test(f));
    return so ? path.dirname(so) : null;
  } catch {
    return null;
  }
}

function torchRun(mode: string): { tokens_per_second: number; step_ms: number[]; peak_rss_mb: number; torch: string; threads: number } | { error: string } {
  const dir = openblasDir();
  const env = { ...process.env, LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), OMP_NUM_THREADS: String(THREADS) };
  const r = spawnSync(PY, [path.join(here, 'train_ref.py'), '--mode', mode, '--batch', String(B), '--seq', String(T), '--steps', String(STEPS), '--warmup', String(WARMUP), '--threads', String(THREADS)], { env, encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').pop() ?? 'failed' };
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

// ─── main ───────────────────────────────────────────────────────────────────────────────────
if (args['generate-only']) {
  await initBackend({ backend: 'wasm', threads: 1 });
  console.log(JSON.stringify(await generation()));
  process.exit(0);
}

const rec = await initBackend({ backend: 'wasm', threads: THREADS });
console.log(`tunebench training benchmark — stories15M shape (dim 288, 6 layers, 6 heads, hidden 768, vocab 32,000), batch ${B} × seq ${T}`);
console.log(`tfjs ${rec.versions['tfjs-core']} ${rec.backend} (SIMD ${rec.simd ? 'on' : 'off'}, ${rec.threads} thread${rec.threads > 1 ? 's' : ''}), node ${process.version}; ${STEPS} timed steps after ${WARMUP} warmup\n`);

const modes = args.modes.split(',').filter((m): m is 'lora' | 'full' => m === 'lora' || m === 'full');
const ours: Measured[] = [];
let kernels: string[] = [];
const peer: Record<string, ReturnType<typeof torchRun>> = {};
const problem = args['no-torch'] ? 'disabled (--no-torch)' : ensurePackages();
if (problem) console.log(`PyTorch peer skipped: ${problem}`);
// Mode by mode, ours then the peer's, so both see the same machine load as far as possible.
for (const mode of modes) {
  const { m, kernels: k } = await measure(mode, mode === 'lora');
  if (k) kernels = k;
  ours.push(m);
  console.log(`tunebench ${mode.padEnd(4)}: ${m.error ? `FAILED: ${m.error}` : `${Math.round(m.tokensPerSecond)} tokens/s (steps ${m.stepMs.join(', ')} ms), peak tensors ${m.peakMb} MB, WASM heap ${m.heapMb} MB`}`);
  if (problem) continue;
  const p = torchRun(mode);
  if (!('error' in p)) p.tokens_per_second = (B * T * 1000) / median(p.step_ms);
  peer[mode] = p;
  console.log(`pytorch   ${mode.padEnd(4)}: ${'error' in p ? `FAILED: ${p.error}` : `${Math.round(p.tokens_per_second)} tokens/s (steps ${p.step_ms.join(', ')} ms), peak RSS ${Math.round(p.peak_rss_mb)} MB, torch ${p.torch}, ${p.threads} threads, OpenBLAS (OpenMP) from ${openblasDir()}`}`);
}

console.log('\n| mode | tunebench tokens/s | PyTorch tokens/s | ratio |');
console.log('| --- | ---: | ---: | ---: |');
for (const m of ours) {
  const p = peer[m.mode];
  const pt = p && !('error' in p) ? p.tokens_per_second : null;
  console.log(`| ${m.mode} (batch ${B}) | ${Math.round(m.tokensPerSecond)} | ${pt ? Math.round(pt) : '—'} | ${pt ? (m.tokensPerSecond / pt).toFixed(2) + '×' : '—'} |`);
}

if (kernels.length) {
  console.log(`\nTop kernels of one LoRA step (tf.profile): ${kernels[0]}`);
  for (const k of kernels.slice(1)) console.log(`  ${k}`);
}

if (!args['no-generate']) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--generate-only'], { encoding: 'utf8', cwd: path.join(here, '..') });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const g = JSON.parse(line) as { tokensPerSecond: number; prefillMs: number; tokens: number };
    console.log(`\ngeneration (KV cache, greedy, batch 1, 16-token prompt, ${g.tokens} new tokens, 1 thread): ${g.tokensPerSecond.toFixed(1)} tokens/s, prefill ${g.prefillMs.toFixed(0)} ms`);
  } catch {
    console.log(`\ngeneration: failed (${(r.stderr || line).trim().split('\n').pop()})`);
  }
}

const out = path.join(here, 'out');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'train.json'), JSON.stringify({ when: new Date().toISOString(), batch: B, seq: T, threads: THREADS, ours, peer }, null, 2) + '\n');
