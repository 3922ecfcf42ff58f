/**
 * Model speed on a randomly initialised stories15M-shape Llama (dim 288, 6 layers, 6 heads,
 * hidden 768, vocab 32,000), for the trainer's design:
 *   - forward tokens/s at seq 256, batch 1 and 8 (hidden states + fused head loss, as training),
 *     and the share of the output head;
 *   - forward+backward tokens/s, full fine-tuning, batch 4 (a first look; part 2 benchmarks training);
 *   - KV-cache generation tokens/s (batch 1 and 8) against full recomputation;
 *   - the top kernels of a tf.profile of the batch-8 forward.
 * Peers measured side by side in this run: WASM 1 thread (the baseline), WASM with threads, and the
 * pure-JS CPU backend; KV cache against recomputation. Each backend runs in its own child process
 * (the WASM module starts once per process with a fixed thread count).
 *
 *   node --import tsx bench/generate.bench.mts [--quick] [--threads N]
 *
 * The model is written once to bench/out/stories15m with `tunebench models init`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelDir = path.join(here, 'out', 'stories15m');
const args = process.argv.slice(2);
const quick = args.includes('--quick');

interface Result {
  label: string;
  backend: string;
  threads: number;
  forward: Record<string, number>;
  headShare: number;
  train?: number;
  gen: Record<string, number>;
  kernels: [string, number][];
  error?: string;
}

async function child(backend: 'wasm' | 'cpu', threads: number): Promise<Result> {
  const tf = await import('@tensorflow/tfjs-core');
  const { initBackend } = await import('../src/engine/train/backend.ts');
  const { loadModel } = await import('../src/engine/model/load.ts');
  const { headCrossEntropy, nextTokenTargets } = await import('../src/engine/model/loss.ts');
  const { generate, generateBatch } = await import('../src/engine/generate/generate.ts');
  const rec = await initBackend({ backend, threads });
  const lm = loadModel(modelDir);
  const m = lm.model;
  const v = m.config.vocabSize;
  const seq = 256;
  const batchIds = (b: number, t: number) => Array.from({ length: b }, (_, i) => Array.from({ length: t }, (_, j) => 3 + ((i * 7919 + j * 104729) % (v - 3))));
  const time = (reps: number, f: () => void) => {
    f(); // warm-up (XNNPACK packs weights on first use)
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    return (performance.now() - t0) / reps;
  };
  const forwardLoss = (ids: number[][]) =>
    tf.tidy(() => {
      const h = m.hidden(tf.tensor2d(ids, [ids.length, ids[0].length], 'int32'));
      const { targets, weights } = nextTokenTargets(ids);
      headCrossEntropy(m, h, targets, weights).dataSync();
    });
  const forwardHidden = (ids: number[][]) => tf.tidy(() => void m.hidden(tf.tensor2d(ids, [ids.length, ids[0].length], 'int32')).dataSync());
  const forward: Record<string, number> = {};
  const batches = backend === 'cpu' ? [1] : [1, 8];
  let headShare = 0;
  for (const b of batches) {
    const ids = batchIds(b, seq);
    const ms = time(quick || b > 1 ? 1 : 2, () => forwardLoss(ids));
    forward[`b${b}`] = (b * seq) / (ms / 1000);
    if (b === batches[batches.length - 1]) headShare = 1 - time(1, () => forwardHidden(ids)) / ms;
  }
  let train: number | undefined;
  if (backend !== 'cpu') {
    const ids = batchIds(4, seq);
    m.setTrainable(() => true);
    const vars = m.trainableVariables();
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const h = m.hidden(tf.tensor2d(ids, [4, seq], 'int32'));
          const { targets, weights } = nextTokenTargets(ids);
          return headCrossEntropy(m, h, targets, weights, { gradMode: 'eager' });
        }, vars);
        value.dataSync();
        tf.dispose(Object.values(grads));
      });
    train = (4 * seq) / (time(1, step) / 1000);
    m.setTrainable(() => false);
  }
  const gen: Record<string, number> = {};
  const prompt = batchIds(1, 16)[0];
  const n = quick ? 32 : 128;
  gen.kv_b1 = (await generate(lm, prompt, { maxTokens: n, stopTokenIds: [] })).stats.tokensPerSecond;
  gen.recompute_b1 = (await generate(lm, prompt, { maxTokens: Math.min(n, 32), stopTokenIds: [], useCache: false })).stats.tokensPerSecond;
  if (backend !== 'cpu') gen.kv_b8 = (await generateBatch(lm, batchIds(8, 16), { maxTokens: n, stopTokenIds: [] })).stats.tokensPerSecond;
  let kernels: [string, number][] = [];
  if (backend === 'wasm') {
    const ids = batchIds(8, seq);
    const prof = await tf.profile(() => forwardLoss(ids));
    const agg = new Map<string, number>();
    for (const k of prof.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + Number(k.kernelTimeMs));
    kernels = [...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  }
  lm.dispose();
  return { label: `${rec.backend}${rec.backend === 'wasm' ? ` ${rec.threads} thread${rec.threads > 1 ? 's' : ''}` : ''}`, backend: rec.backend, threads: rec.threads, forward, headShare, train, gen, kernels };
}

async function parent(): Promise<void> {
  if (!fs.existsSync(path.join(modelDir, 'model.safetensors'))) {
    const { initModel } = await import('../src/engine/model/init.ts');
    await initModel({ arch: 'llama', preset: 'stories15m', out: modelDir, seed: 1, force: true });
  }
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const ti = args.indexOf('--threads');
  const many = ti >= 0 ? Number(args[ti + 1]) : Math.min(cores, 8);
  const configs: [string, number][] = [['wasm', 1], ...(many > 1 ? [['wasm', many] as [string, number]] : []), ['cpu', 1]];
  console.log(`stories15M shape (random init), seq 256; ${cores} cores; ${quick ? 'quick' : 'full'} run`);
  const results: Result[] = [];
  for (const [backend, threads] of configs) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', backend, String(threads), ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    try {
      results.push(JSON.parse(line));
    } catch {
      results.push({ label: `${backend} ${threads}`, backend, threads, forward: {}, headShare: 0, gen: {}, kernels: [], error: (r.stderr || r.stdout).slice(-500) });
    }
  }
  const base = results[0];
  const f = (x: number | undefined) => (x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const ratio = (x: number | undefined, y: number | undefined) => (x && y ? `${(x / y).toFixed(2)}×` : '—');
  console.log('\nbackend            fwd b1 tok/s  fwd b8 tok/s  head share  fwd+bwd b4 tok/s  gen KV b1  gen recompute b1  gen KV b8');
  for (const r of results) {
    if (r.error) {
      console.log(`${r.label.padEnd(18)} failed: ${r.error}`);
      continue;
    }
    console.log(`${r.label.padEnd(18)} ${f(r.forward.b1).padStart(12)}  ${f(r.forward.b8).padStart(12)}  ${(r.headShare * 100).toFixed(0).padStart(9)}%  ${f(r.train).padStart(16)}  ${f(r.gen.kv_b1).padStart(9)}  ${f(r.gen.recompute_b1).padStart(16)}  ${f(r.gen.kv_b8).padStart(9)}`);
  }
  console.log(`\nratios against ${base.label}:`);
  for (const r of results.slice(1)) {
    if (r.error) continue;
    console.log(`  ${r.label}: forward b1 ${ratio(r.forward.b1, base.forward.b1)}, forward b8 ${ratio(r.forward.b8, base.forward.b8)}, fwd+bwd ${ratio(r.train, base.train)}, KV generation b1 ${ratio(r.gen.kv_b1, base.gen.kv_b1)}, b8 ${ratio(r.gen.kv_b8, base.gen.kv_b8)}`);
  }
  for (const r of results) if (!r.error) console.log(`  ${r.label}: KV cache vs full recomputation (b1): ${ratio(r.gen.kv_b1, r.gen.recompute_b1)}`);
  for (const r of results) {
    if (!r.kernels.length) continue;
    console.log(`\ntop kernels, forward b8 (${r.label}), ms:`);
    for (const [k, ms] of r.kernels) console.log(`  ${k.padEnd(16)} ${ms.toFixed(1)}`);
  }
}

if (args[0] === '--child') {
  const r = await child(args[1] as 'wasm' | 'cpu', Number(args[2]));
  console.log(JSON.stringify(r));
} else {
  await parent();
}
