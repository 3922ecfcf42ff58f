/**
 * The multi-threaded WASM backend in Node.
 *
 * tfjs-backend-wasm never turns threads on in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag is false
 * there, tfjs issue 3830), and its browser path cannot work in Node anyway: it hands Emscripten a
 * Blob URL for the pthread worker and a Blob for the main script, and Node's worker_threads only
 * start files. So we instantiate the threaded-SIMD Emscripten module ourselves, with
 *   - the worker source (shipped as a JS string) written once to a file in the OS temp folder,
 *   - `mainScriptUrlOrBlob` = the path of the module's own .js file, which the worker evals,
 * and register it as the 'wasm' backend (the kernels are registered per backend name, so they
 * apply unchanged).
 *
 * The thread count: the C++ side caps it at emscripten_num_logical_cores() / 2, which in Node is
 * os.cpus().length / 2 — one thread on a two-core machine whatever we ask for. os.cpus() is
 * answered with 2 × the wanted count while the module initialises (that is when the C++ static
 * initialiser reads it), then restored.
 *
 * Worker options: Node workers inherit the parent's execArgv, so a process started with e.g.
 * `--input-type=module -e` or a loader flag would start workers that fail or run needlessly slow.
 * While the module initialises (when Emscripten captures worker_threads.Worker as its global
 * Worker), the export is swapped for a subclass that starts workers with an empty execArgv: the
 * worker is a plain CommonJS file that needs no flags.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type * as WorkerThreads from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** Folder of the Emscripten build outputs inside the installed package. */
export function wasmOutDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
}

/** Folder of the .wasm binaries the package's own loader uses (single-threaded builds). */
export function wasmDistDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

function workerFile(): string {
  const { wasmWorkerContents } = require(path.join(wasmOutDir(), 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The package escapes "\n" the same way before making its Blob: inside the worker's string
  // literals a newline must stay an escape sequence.
  const source = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `tunebench-tfjs-wasm-worker-${hash}.cjs`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, source);
    fs.renameSync(tmp, file);
  }
  return file;
}

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  tfjs?: unknown;
  PThread?: { runningWorkers: { unref(): void }[] };
}

/**
 * Registers a 'wasm' backend factory that starts the threaded build with `threads` threads.
 * Call before tf.setBackend('wasm'). The returned promise of the factory rejects when threads
 * cannot start (e.g. no SharedArrayBuffer), so the caller can fall back.
 */
export function registerThreadedWasm(threads: number, priority = 3): void {
  const outDir = wasmOutDir();
  const mainScript = path.join(outDir, 'tfjs-backend-wasm-threaded-simd.js');
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      if (typeof SharedArrayBuffer === 'undefined') throw new Error('SharedArrayBuffer is not available');
      const factory = require(mainScript) as (cfg: Record<string, unknown>) => Promise<EmscriptenModule>;
      const worker = workerFile();
      const realCpus = os.cpus;
      const cpus = realCpus.call(os);
      (os as { cpus: () => os.CpuInfo[] }).cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % Math.max(1, cpus.length)]);
      const wt = require('worker_threads') as { Worker: typeof WorkerThreads.Worker };
      const RealWorker = wt.Worker;
      wt.Worker = class extends RealWorker {
        constructor(file: string | URL, options?: WorkerThreads.WorkerOptions) {
          super(file, { ...options, execArgv: [] });
        }
      };
      let mod: EmscriptenModule;
      try {
        mod = await factory({
          locateFile: (p: string) => (p.endsWith('.worker.js') ? worker : path.join(outDir, p)),
          mainScriptUrlOrBlob: mainScript
        });
      } finally {
        (os as { cpus: () => os.CpuInfo[] }).cpus = realCpus;
        wt.Worker = RealWorker;
      }
      mod.tfjs = {
        init: mod.cwrap('init', null, []),
        initWithThreadsCount: mod.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: mod.cwrap('get_threads_count', 'number', []),
        registerTensor: mod.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: mod.cwrap('dispose_data', null, ['number']),
        dispose: mod.cwrap('dispose', null, [])
      };
      wasmBackend.setThreadsCount(threads);
      const backend = new wasmBackend.BackendWasm(mod as never);
      // The thread pool's workers stay referenced while their pthreads wait for work, which
      // would keep Node alive after the program is done; they hold no state worth waiting for.
      for (const w of mod.PThread?.runningWorkers ?? []) w.unref();
      return backend;
    },
    priority
  );
}
