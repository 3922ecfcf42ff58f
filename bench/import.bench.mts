/**
 * Import + validate speed on 1,000,000 conversations, side by side in the same run with:
 *   - a Python peer doing the same steps (json.loads per line, the cookbook's seven checks,
 *     pandas writing Parquet, or CSV when pyarrow is missing): bench/import_peer.py;
 *   - DuckDB alone (read_json → Parquet, no validation): bench/import-duckdb-peer.mts.
 * Each tool runs as its own process; wall time is measured around it and each process reports
 * its own peak RSS (VmHWM / ru_maxrss). The input is made once with make_scale.mjs and cached in
 * bench/out/ (gitignored).
 *
 *   node --import tsx bench/import.bench.mts [--rows 1000000] [--runs 3] [--no-python] [--no-duckdb]
 *
 * TUNEBENCH_SHARED overrides where ../shared is. Debian's python3-pandas is installed with
 * apt-get when it is missing (python3-pyarrow is not packaged in Debian bookworm).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_DIR = path.resolve(process.env.TUNEBENCH_SHARED ?? path.join(repoRoot, '..', 'shared'));
const OUT = path.join(repoRoot, 'bench', 'out');
const PYTHON = '/usr/bin/python3';

const args = process.argv.slice(2);
const flag = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(String(args[i + 1]).replaceAll('_', '')) : def;
};
const ROWS = flag('--rows', 1_000_000);
const RUNS = flag('--runs', 3);

// Preloaded into node children: print the peak resident set size and the CPU time of the whole
// process (all threads) when it exits.
const PEAK = `data:text/javascript,${encodeURIComponent(
  "import fs from 'node:fs'; import { isMainThread } from 'node:worker_threads'; process.on('exit', () => { if (!isMainThread) return; const m = /VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8')); const c = process.cpuUsage(); fs.writeSync(2, `PEAK_RSS_KB=${m ? m[1] : -1}\\nCPU_MS=${Math.round((c.user + c.system) / 1000)}\\n`); });"
)}`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function ensureInput(): string {
  const file = path.join(OUT, `banking77-${ROWS}.chat.jsonl`);
  if (fs.existsSync(file)) return file;
  const src = path.join(SHARED_DIR, 'datasets', 'banking77.chat.jsonl');
  if (!fs.existsSync(src)) throw new Error(`${src} is missing: set TUNEBENCH_SHARED to the shared folder`);
  fs.mkdirSync(OUT, { recursive: true });
  console.log(`making ${ROWS.toLocaleString('en-US')} conversations with make_scale.mjs (cached in ${path.relative(repoRoot, file)})…`);
  const r = spawnSync(process.execPath, [path.join(SHARED_DIR, 'datasets', 'make_scale.mjs'), '--in', src, '--out', `${file}.tmp`, '--rows', String(ROWS)], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('make_scale.mjs failed');
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

function ensurePandas(): boolean {
  const ok = () => spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;
  if (ok()) return true;
  if (!fs.existsSync(PYTHON)) return false;
  console.log('installing python3-pandas with apt-get (Debian)…');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  spawnSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'install', '-y', '-qq', '--no-install-recommends', 'python3-pandas'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return ok();
}

interface Measure {
  seconds: number;
  /** CPU time of the process, all threads (user + system). */
  cpuSeconds: number;
  peakMB: number;
  rows: number;
  note: string;
}

function run(cmd: string, argv: string[], parse: (stdout: string, stderr: string) => { rows: number; peakKB: number; cpuMs: number; note?: string }): Measure {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, CI: '' } });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const p = parse(r.stdout, r.stderr);
  return { seconds, cpuSeconds: p.cpuMs / 1000, peakMB: p.peakKB / 1024, rows: p.rows, note: p.note ?? '' };
}

const peakOf = (stderr: string) => Math.max(-1, ...[...stderr.matchAll(/PEAK_RSS_KB=(\d+)/g)].map((m) => Number(m[1])));
const cpuOf = (stderr: string) => Number(/CPU_MS=(\d+)/.exec(stderr)?.[1] ?? -1);

function ours(file: string): Measure {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-bench-'));
  try {
    return run(process.execPath, ['--import', PEAK, path.join(repoRoot, 'bin', 'tunebench.js'), '--workspace', ws, 'import', file, '--name', 'bench', '--json'], (out, err) => {
      const r = JSON.parse(out) as { rows: number; duplicates: number; elapsedMs: number; phases: Record<string, number> };
      const phases = Object.entries(r.phases).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`).join(', ');
      return { rows: r.rows, peakKB: peakOf(err), cpuMs: cpuOf(err), note: `import() ${(r.elapsedMs / 1000).toFixed(2)} s of it: ${phases}; ${r.duplicates.toLocaleString('en-US')} duplicates flagged` };
    });
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

function python(file: string): Measure {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tb-bench-py-')), 'out');
  try {
    return run(PYTHON, [path.join(repoRoot, 'bench', 'import_peer.py'), file, out], (stdout) => {
      const j = JSON.parse(stdout.trim().split('\n').pop()!);
      return { rows: j.rows, peakKB: j.peak_rss_kb, cpuMs: j.cpu_ms, note: `writes ${j.format}` };
    });
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

function duckdbAlone(file: string): Measure {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-bench-duck-'));
  try {
    return run(process.execPath, ['--import', PEAK, '--import', 'tsx', path.join(repoRoot, 'bench', 'import-duckdb-peer.mts'), file, path.join(dir, 'out.parquet')], (stdout, stderr) => ({
      rows: JSON.parse(stdout.trim().split('\n').pop()!).rows,
      peakKB: peakOf(stderr),
      cpuMs: cpuOf(stderr),
      note: 'no validation'
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const file = ensureInput();
const size = fs.statSync(file).size;
const havePython = !args.includes('--no-python') && ensurePandas();
const tools: { name: string; fn: (f: string) => Measure }[] = [
  { name: 'tunebench import (validate + canonical Parquet)', fn: ours },
  ...(havePython ? [{ name: 'Python peer (json + cookbook checks + pandas)', fn: python }] : []),
  ...(!args.includes('--no-duckdb') ? [{ name: 'DuckDB alone (read_json → Parquet)', fn: duckdbAlone }] : [])
];
console.log(`input: ${path.relative(repoRoot, file)}, ${ROWS.toLocaleString('en-US')} conversations, ${(size / 2 ** 20).toFixed(0)} MB; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ${RUNS} runs each, interleaved`);
console.log('times are wall clock around each process (tunebench: the whole CLI, start-up included)');
if (!havePython) console.log('(no Python peer: python3-pandas is not available)');

const results = new Map<string, Measure[]>(tools.map((t) => [t.name, []]));
for (let r = 0; r < RUNS; r++) {
  // Interleave the tools and rotate their order so machine noise hits all of them alike.
  const order = tools.map((_, i) => tools[(i + r) % tools.length]);
  for (const t of order) {
    const m = t.fn(file);
    results.get(t.name)!.push(m);
    console.log(`  run ${r + 1}: ${t.name}: ${m.seconds.toFixed(2)} s (CPU ${m.cpuSeconds.toFixed(1)} s), peak RSS ${m.peakMB.toFixed(0)} MB, ${m.rows.toLocaleString('en-US')} rows${m.note ? ` (${m.note})` : ''}`);
  }
}

const ourName = tools[0].name;
const ourMedian = median(results.get(ourName)!.map((m) => m.seconds));
const pyName = tools.find((t) => t.name.startsWith('Python'))?.name;
const pyMedian = pyName ? median(results.get(pyName)!.map((m) => m.seconds)) : NaN;
console.log('\nmedian of runs:');
const pyCpu = pyName ? median(results.get(pyName)!.map((m) => m.cpuSeconds)) : NaN;
console.log(`${'tool'.padEnd(50)} ${'time'.padStart(8)} ${'CPU'.padStart(8)} ${'rows/s'.padStart(10)} ${'peak RSS'.padStart(9)}  ratio vs Python (time / CPU)`);
for (const t of tools) {
  const ms = results.get(t.name)!;
  const s = median(ms.map((m) => m.seconds));
  const cpu = median(ms.map((m) => m.cpuSeconds));
  const peak = Math.max(...ms.map((m) => m.peakMB));
  const ratio = pyName ? `${(pyMedian / s).toFixed(2)}x / ${(pyCpu / cpu).toFixed(2)}x` : '-';
  console.log(`${t.name.padEnd(50)} ${`${s.toFixed(2)} s`.padStart(8)} ${`${cpu.toFixed(1)} s`.padStart(8)} ${Math.round(ms[0].rows / s).toLocaleString('en-US').padStart(10)} ${`${peak.toFixed(0)} MB`.padStart(9)}  ${ratio}`);
}
if (pyName) console.log(`\ntunebench is ${(pyMedian / ourMedian).toFixed(2)}x the Python peer's speed (target 2x, goal 3x); peak RSS limit 1,536 MB. Load average now: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}.`);
