/**
 * Serving benchmark: a bounded load test of POST /v1/chat/completions on loopback, against the
 * built server (node build/index.js), on a stories15M-shape Llama (dim 288, 6 layers, vocab
 * 32,000, random weights, the real Llama-2 tokenizer), written once to bench/out/serve-stories15m
 * with `tunebench models init --arch llama --preset stories15m --tokenizer …/llama2-tokenizer`.
 *
 * Load: a closed loop of C concurrent clients (undici fetch) sending R streaming requests in all
 * (max_tokens T, greedy), after W warm-up requests that are not counted. Reported: requests/s,
 * p50 and p99 of time to first token and of latency, completion tokens/s, errors (must be zero:
 * the script exits 1 otherwise), and the server's own serving metrics for the model.
 *
 * Peer, measured side by side in this run: the same generations in process, one after another,
 * with the engine's generate() (no HTTP, no worker thread) — the ratio says what serving costs
 * and what concurrency buys.
 *
 *   node --import tsx bench/serve.bench.mts [--concurrency 4] [--requests 48] [--max-tokens 32] [--workers 1]
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from '../scripts/build-if-needed.js';
import { shared } from '../tests/support/shared.ts';
import { pct } from './support/latency.mts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modelDir = path.join(root, 'bench', 'out', 'serve-stories15m');
const MODEL = path.basename(modelDir);

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const C = flag('concurrency', 4);
const R = flag('requests', 48);
const T = flag('max-tokens', 32);
const W = flag('warmup', 4);
const WORKERS = flag('workers', 1);

const PROMPTS = ['Once upon a time there was a little dog.', 'Tell me about the sea.', 'Why is the sky blue?', 'Write a short story about a cat and a ball.', 'What did Lily find in the garden?', 'How do birds fly?'];


async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function ensureModel(): void {
  if (fs.existsSync(path.join(modelDir, 'model.safetensors'))) return;
  console.log(`writing ${modelDir} (tunebench models init)…`);
  execFileSync(process.execPath, [path.join(root, 'bin', 'tunebench.js'), 'models', 'init', '--arch', 'llama', '--preset', 'stories15m', '--tokenizer', shared('models', 'llama2-tokenizer'), '--out', modelDir, '--force'], { stdio: 'inherit' });
}

interface Sample {
  ttft: number;
  latency: number;
  tokens: number;
  ok: boolean;
  error?: string;
}

/** One streaming request: time to the first content chunk and to [DONE]. */
async function request(url: string, i: number): Promise<Sample> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: PROMPTS[i % PROMPTS.length] }], max_tokens: T, temperature: 0, stream: true, stream_options: { include_usage: true } })
    });
    if (!res.ok || !res.body) return { ttft: NaN, latency: performance.now() - t0, tokens: 0, ok: false, error: `${res.status} ${await res.text()}` };
    let ttft = NaN;
    let tokens = 0;
    let done = false;
    let buf = '';
    const dec = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += dec.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const line = buf.slice(0, cut).replace(/^data: /, '');
        buf = buf.slice(cut + 2);
        if (line === '[DONE]') done = true;
        else {
          const j = JSON.parse(line) as { choices: { delta: { content?: string } }[]; usage?: { completion_tokens: number }; error?: { message: string } };
          if (j.error) return { ttft, latency: performance.now() - t0, tokens, ok: false, error: j.error.message };
          if (Number.isNaN(ttft) && j.choices.some((c) => c.delta.content)) ttft = performance.now() - t0;
          if (j.usage) tokens = j.usage.completion_tokens;
        }
      }
    }
    return { ttft, latency: performance.now() - t0, tokens, ok: done };
  } catch (e) {
    return { ttft: NaN, latency: performance.now() - t0, tokens: 0, ok: false, error: (e as Error).message };
  }
}

async function load(url: string, total: number, concurrency: number): Promise<{ samples: Sample[]; seconds: number }> {
  const samples: Sample[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) samples.push(await request(url, i));
    })
  );
  return { samples, seconds: (performance.now() - t0) / 1000 };
}

/** The peer: the same generations in this process with the engine's generate(), sequentially. */
async function inProcess(n: number): Promise<{ seconds: number; ttft: number[]; latency: number[]; tokens: number }> {
  const { initBackend } = await import('../src/engine/train/backend.ts');
  const { loadModel } = await import('../src/engine/model/load.ts');
  const { generate } = await import('../src/engine/generate/generate.ts');
  await initBackend();
  const lm = loadModel(modelDir);
  const ttft: number[] = [];
  const latency: number[] = [];
  let tokens = 0;
  try {
    const run = async (i: number) => {
      const t0 = performance.now();
      let first = NaN;
      const ids = lm.chat!.encode([{ role: 'user', content: PROMPTS[i % PROMPTS.length] }], { addGenerationPrompt: true });
      const r = await generate(lm, ids, { maxTokens: T, temperature: 0, onToken: () => Number.isNaN(first) && (first = performance.now() - t0) });
      return { ttft: first, latency: performance.now() - t0, tokens: r.ids.length };
    };
    for (let i = 0; i < W; i++) await run(i);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const r = await run(i);
      ttft.push(r.ttft);
      latency.push(r.latency);
      tokens += r.tokens;
    }
    return { seconds: (performance.now() - t0) / 1000, ttft, latency, tokens };
  } finally {
    lm.dispose();
  }
}

async function main(): Promise<number> {
  ensureModel();
  await buildIfNeeded({ log: (m) => console.log(m) });
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'tunebench-serve-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [path.join(root, 'build', 'index.js')], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ORIGIN: url, TUNEBENCH_WORKSPACE: ws, TUNEBENCH_MODELS: modelDir, TUNEBENCH_CHAT_WORKERS: String(WORKERS) },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let log = '';
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error(`the server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`server ${url}, model ${MODEL} (stories15M shape), ${WORKERS} generation worker(s), ${os.cpus().length} cores (${os.loadavg()[0].toFixed(1)} load)`);
    await load(url, W, Math.min(W, C)); // warm-up: worker start, model load
    const { samples, seconds } = await load(url, R, C);
    const ok = samples.filter((s) => s.ok);
    const errors = samples.length - ok.length;
    const ttft = ok.map((s) => s.ttft).filter((x) => Number.isFinite(x));
    const lat = ok.map((s) => s.latency);
    const toks = ok.reduce((n, s) => n + s.tokens, 0);
    console.log(`\nHTTP load: ${R} streaming requests, concurrency ${C}, max_tokens ${T}, greedy`);
    console.log(`  requests/s           ${(samples.length / seconds).toFixed(2)}`);
    console.log(`  completion tokens/s  ${(toks / seconds).toFixed(1)}`);
    console.log(`  TTFT     p50 ${pct(ttft, 50).toFixed(0)} ms   p99 ${pct(ttft, 99).toFixed(0)} ms`);
    console.log(`  latency  p50 ${pct(lat, 50).toFixed(0)} ms   p99 ${pct(lat, 99).toFixed(0)} ms`);
    console.log(`  errors   ${errors}${errors ? `: ${samples.find((s) => !s.ok)?.error}` : ''}`);
    const stats = (await (await fetch(`${url}/api/models`)).json()) as { models: { id: string; serving: Record<string, unknown> | null }[] };
    const mine = stats.models.find((m) => m.id === MODEL)?.serving;
    if (mine) console.log(`  server's metrics     TTFT p50 ${mine.ttft_p50_ms} ms, p95 ${mine.ttft_p95_ms} ms, decode ${mine.tokens_per_s} tokens/s, ${mine.requests} requests`);

    const peer = await inProcess(Math.min(R, 16));
    const peerRps = peer.latency.length / peer.seconds;
    console.log(`\npeer, in process (engine generate(), sequential, no HTTP): ${peer.latency.length} requests`);
    console.log(`  requests/s           ${peerRps.toFixed(2)}`);
    console.log(`  completion tokens/s  ${(peer.tokens / peer.seconds).toFixed(1)}`);
    console.log(`  TTFT     p50 ${pct(peer.ttft, 50).toFixed(0)} ms   latency p50 ${pct(peer.latency, 50).toFixed(0)} ms`);
    console.log(`\nratio HTTP / in process: requests/s ${(samples.length / seconds / peerRps).toFixed(2)}×, latency p50 ${(pct(lat, 50) / pct(peer.latency, 50)).toFixed(2)}×`);
    return errors === 0 ? 0 : 1;
  } finally {
    server.kill('SIGTERM');
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

process.exit(await main());
