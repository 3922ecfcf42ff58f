/**
 * Picks and starts the TensorFlow.js backend, and says which one runs (runs store the record).
 *
 * Order for 'auto': @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node (optional dependencies,
 * loaded dynamically; they cannot install on every machine), then WASM (SIMD; threaded when more
 * than one thread is asked for and the threaded build starts, see wasm-threads.ts), then the pure
 * JS CPU backend. Choose explicitly with `backend` or TUNEBENCH_BACKEND=tensorflow|wasm|cpu, and
 * the WASM thread count with `threads` or TUNEBENCH_THREADS (default 1, see below).
 *
 * Threads work in Node (wasm-threads.ts) but are not the default. Measured on this 2-core machine
 * (bench/generate.bench.mts): a big matMul runs up to 2× faster with 2 threads when both cores are
 * free, but no faster when other processes use them, and everything made of small ops — KV-cache
 * decoding, ~400 kernels per token — runs 4–5× slower, because XNNPACK's thread pool wakes and
 * synchronises its workers on every kernel. Ask for threads where large matMuls dominate and the
 * cores are yours (training on a dedicated machine).
 *
 * The WASM module can start only once per process, so the first thread count wins; switching
 * between already-started backends (tests compare wasm and cpu) is cheap.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { registerThreadedWasm, wasmDistDir } from './wasm-threads.ts';
import { installFastWasmKernels } from './wasm-kernels.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** What a run stores about the backend it trained or generated on. */
export interface BackendRecord {
  backend: BackendName;
  /** 'gpu' only for tfjs-node-gpu with a visible GPU. */
  device: 'cpu' | 'gpu';
  /** Compute threads (WASM: XNNPACK pool size; tensorflow: TF's own pool, reported as 0 = its default). */
  threads: number;
  simd: boolean;
  versions: Record<string, string>;
  /** Why more preferred backends were not used, e.g. "tfjs-node: Cannot find module ...". */
  fallbacks: string[];
}

export interface BackendRequest {
  backend?: 'auto' | BackendName;
  /** WASM threads; 0 or undefined = 1 (see above); at most 8 are pre-started. */
  threads?: number;
}

const started = new Map<BackendName, BackendRecord>();
let wasmSetup: 'none' | 'threaded' | 'single' = 'none';

/** Reads TUNEBENCH_BACKEND and TUNEBENCH_THREADS. */
export function backendRequestFromEnv(env: NodeJS.ProcessEnv = process.env): BackendRequest {
  const b = env.TUNEBENCH_BACKEND?.trim();
  const t = env.TUNEBENCH_THREADS?.trim();
  const req: BackendRequest = {};
  if (b) {
    if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(b)) throw new Error(`TUNEBENCH_BACKEND must be auto, tensorflow, wasm or cpu (got '${b}')`);
    req.backend = b as BackendRequest['backend'];
  }
  if (t) {
    if (!/^\d+$/.test(t)) throw new Error(`TUNEBENCH_THREADS must be a whole number (got '${t}')`);
    req.threads = Number(t);
  }
  return req;
}

/** The number of cores (an upper bound worth asking for). */
export function coreCount(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

async function startTensorflow(fallbacks: string[]): Promise<BackendRecord | null> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      const spec: string = pkg;
      const mod = (await import(spec)) as { version?: Record<string, string> };
      if (!tf.findBackend('tensorflow')) {
        fallbacks.push(`${pkg}: loaded, but registered its backend on another copy of @tensorflow/tfjs-core`);
        continue;
      }
      await tf.setBackend('tensorflow');
      await tf.ready();
      const versions: Record<string, string> = { 'tfjs-core': tf.version_core, [pkg.replace('@tensorflow/', '')]: String(mod.version?.['tfjs-node'] ?? 'unknown') };
      return { backend: 'tensorflow', device: pkg.endsWith('-gpu') ? 'gpu' : 'cpu', threads: 0, simd: true, versions, fallbacks };
    } catch (e) {
      fallbacks.push(`${pkg}: ${firstLine(e)}`);
    }
  }
  return null;
}

async function startWasm(threads: number, fallbacks: string[]): Promise<BackendRecord | null> {
  // The package's own loader (single-threaded SIMD in Node), kept to fall back to.
  const packageFactory = wasmSetup === 'none' ? tf.findBackendFactory('wasm') : null;
  if (wasmSetup === 'none') {
    wasm.setWasmPaths(wasmDistDir() + '/');
    if (threads > 1) {
      registerThreadedWasm(threads);
      wasmSetup = 'threaded';
    } else wasmSetup = 'single';
  }
  let ok = await tf.setBackend('wasm').catch(() => false);
  if (!ok && wasmSetup === 'threaded' && packageFactory) {
    fallbacks.push(`wasm threads: the threaded build did not start; using one thread`);
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', packageFactory, 2);
    wasmSetup = 'single';
    ok = await tf.setBackend('wasm').catch(() => false);
  }
  if (!ok) {
    fallbacks.push('wasm: the backend did not initialise');
    return null;
  }
  installFastWasmKernels();
  await tf.ready();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { backend: 'wasm', device: 'cpu', threads: wasm.getThreadsCount(), simd, versions: { 'tfjs-core': tf.version_core, 'tfjs-backend-wasm': wasm.version_wasm }, fallbacks };
}

async function startCpu(fallbacks: string[]): Promise<BackendRecord> {
  await tf.setBackend('cpu');
  await tf.ready();
  const cpuVersion = (await import('@tensorflow/tfjs-backend-cpu')).version_cpu;
  return { backend: 'cpu', device: 'cpu', threads: 1, simd: false, versions: { 'tfjs-core': tf.version_core, 'tfjs-backend-cpu': cpuVersion }, fallbacks };
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].slice(0, 200);
}

/**
 * Starts (or switches to) a backend and returns its record. With no request, reads the
 * environment; 'auto' tries tensorflow → wasm → cpu.
 */
export async function initBackend(request: BackendRequest = backendRequestFromEnv()): Promise<BackendRecord> {
  tf.env().set('PROD', true); // silences tfjs' "install tfjs-node" console hints
  const want = request.backend ?? 'auto';
  // The threaded build pre-starts 8 pthread workers; more would spawn extra ones lazily.
  const threads = request.threads && request.threads > 0 ? Math.min(request.threads, 8) : 1;
  const already = want === 'auto' ? null : started.get(want);
  if (already) {
    await tf.setBackend(want);
    return already;
  }
  const fallbacks: string[] = [];
  let rec: BackendRecord | null = null;
  if (want === 'auto' || want === 'tensorflow') rec = await startTensorflow(fallbacks);
  if (!rec && want === 'tensorflow') throw new Error(`the tensorflow backend is not available: ${fallbacks.join('; ')}`);
  if (!rec && (want === 'auto' || want === 'wasm')) rec = await startWasm(threads, fallbacks);
  if (!rec && want === 'wasm') throw new Error(`the wasm backend is not available: ${fallbacks.join('; ')}`);
  if (!rec) rec = await startCpu(fallbacks);
  started.set(rec.backend, rec);
  return rec;
}

/** The record of the backend in use, or null before initBackend. */
export function currentBackend(): BackendRecord | null {
  return started.get(tf.getBackend() as BackendName) ?? null;
}
