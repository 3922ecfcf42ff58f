/**
 * Data operators on real data from ../shared/datasets: split determinism, disjointness and
 * stratification; dedupe idempotence; exact and near duplicate counts on a make_scale file with
 * planted duplicates (its label file says which). Expected values come from the data itself,
 * computed here independently (JSON parsing, plain shingle sets), not from the code under test.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunStatus } from '../../src/engine/runs/index.ts';
import { describeShared, shared } from '../support/shared.ts';
import { output, parquet, rows, run, stage, tempWorkspace } from './helpers.ts';

/** Word 3-gram sets the way the engine defines them (lower case, letters and digits). */
function shingleSet(text: string, n = 3): Set<string> {
  const w = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (!w.length) return new Set();
  if (w.length < n) return new Set([w.join(' ')]);
  const s = new Set<string>();
  for (let i = 0; i + n <= w.length; i++) s.add(w.slice(i, i + n).join(' '));
  return s;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Pairs of rows in different parts whose shingle sets have Jaccard ≥ threshold (exact, via an inverted index). */
function straddlingPairs(parts: Record<string, string[]>, threshold: number): number {
  const rowsOf: { part: string; set: Set<string> }[] = [];
  for (const [part, texts] of Object.entries(parts)) for (const t of texts) rowsOf.push({ part, set: shingleSet(t) });
  const index = new Map<string, number[]>();
  rowsOf.forEach((r, i) => r.set.forEach((s) => index.set(s, [...(index.get(s) ?? []), i])));
  let bad = 0;
  rowsOf.forEach((r, i) => {
    const seen = new Set<number>();
    for (const s of r.set) for (const j of index.get(s)!) if (j > i && !seen.has(j)) seen.add(j);
    for (const j of seen) if (rowsOf[j].part !== r.part && jaccard(r.set, rowsOf[j].set) >= threshold) bad++;
  });
  return bad;
}

async function partTexts(ws: { root: string }, status: RunStatus, id: string, parts: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const p of parts) out[p] = (await rows<{ t: string }>(`SELECT user_text AS t FROM ${parquet(output(ws as never, status, id, p))}`)).map((r) => r.t);
  return out;
}

describeShared('operators on real data', () => {
  let ws: Awaited<ReturnType<typeof tempWorkspace>>;
  beforeAll(async () => {
    ws = await tempWorkspace({ 'datasets/banking77.jsonl': { copy: shared('datasets', 'banking77.chat.jsonl') } });
    // Chinese conversations with planted exact and near duplicates (请问 prefixes, dropped or swapped characters)
    execFileSync(process.execPath, [shared('datasets', 'make_scale.mjs'), '--in', shared('datasets', 'zh_medical_qa.chat.jsonl'), '--out', path.join(ws.root, 'datasets/zh.jsonl'), '--rows', '3000', '--dup', '0.10', '--near', '0.05', '--seed', '5', '--labels', path.join(ws.root, 'zh.labels.jsonl')], { stdio: 'pipe' });
  });
  afterAll(() => ws.cleanup());

  it('split: deterministic for a seed, stratified, and no near-duplicate pair in two parts (banking77)', async () => {
    const src = (seed: number) => `pipeline splits
dataset b from "datasets/banking77.jsonl" format openai
split b into train 80%, val 10%, test 10% seed ${seed} stratify intent
`;
    const a = await run(ws, src(7));
    expect(a.status.status).toBe('succeeded');
    const key = stage(a.status, 'train+val+test').cache!.key!;
    fs.rmSync(path.join(ws.stagesDir, key), { recursive: true }); // recompute, do not reuse
    const b = await run(ws, src(7));
    expect(stage(b.status, 'train+val+test').cache?.hit).toBe(false);
    const ids = async (s: RunStatus, part: string) => (await rows<{ id: string }>(`SELECT conversation_id AS id FROM ${parquet(output(ws, s, 'train+val+test', part))}`)).map((r) => r.id);
    for (const part of ['train', 'val', 'test']) expect(await ids(b.status, part)).toEqual(await ids(a.status, part));
    const c = await run(ws, src(8));
    expect(await ids(c.status, 'test')).not.toEqual(await ids(a.status, 'test'));

    // every row lands in exactly one part, in input order
    const total = stage(a.status, 'b').rows_out!;
    const sizes = await Promise.all(['train', 'val', 'test'].map(async (p) => (await ids(a.status, p)).length));
    expect(sizes.reduce((x, y) => x + y)).toBe(total);
    const lines = (await rows<{ l: number }>(`SELECT source_line AS l FROM ${parquet(output(ws, a.status, 'train+val+test', 'train'))}`)).map((r) => r.l);
    expect(lines).toEqual([...lines].sort((x, y) => x - y));

    // stratification: each intent is split 80/10/10 up to one group (near-duplicate groups are whole)
    const strata = await rows<{ intent: string; n: number; train: number; val: number; test: number }>(
      `SELECT intent, count(*) AS n, count(*) FILTER (WHERE part = 'train') AS train, count(*) FILTER (WHERE part = 'val') AS val, count(*) FILTER (WHERE part = 'test') AS test
       FROM (${['train', 'val', 'test'].map((p) => `SELECT '${p}' AS part, intent FROM ${parquet(output(ws, a.status, 'train+val+test', p))}`).join(' UNION ALL ')}) GROUP BY intent`
    );
    const groups = await rows<{ intent: string; largest: number }>(
      `SELECT i.intent, max(g.n) AS largest FROM (SELECT cluster_row_id, count(*) + 1 AS n FROM ${parquet(output(ws, a.status, 'train+val+test', 'near_groups'))} GROUP BY 1) g
       JOIN read_parquet('${output(ws, a.status, 'b')}', file_row_number = true) i ON i.file_row_number = g.cluster_row_id GROUP BY 1`
    );
    const largest = new Map(groups.map((g) => [g.intent, Number(g.largest)]));
    expect(strata).toHaveLength(77);
    for (const s of strata) {
      const slack = 1 + (largest.get(s.intent) ?? 1);
      expect(Math.abs(Number(s.train) - 0.8 * Number(s.n)), s.intent).toBeLessThanOrEqual(slack);
      expect(Math.abs(Number(s.test) - 0.1 * Number(s.n)), s.intent).toBeLessThanOrEqual(slack);
    }

    // disjointness, checked independently: no pair across parts with Jaccard ≥ 0.8 (the default threshold)
    expect(straddlingPairs(await partTexts(ws, a.status, 'train+val+test', ['train', 'val', 'test']), 0.8)).toBe(0);
    expect(stage(a.status, 'train+val+test').summary?.disjoint).toMatchObject({ on: 'user_text', threshold: 0.8 });
  });

  it('dedupe: exact removes the duplicates, near finds Chinese near duplicates by characters, and both are idempotent', async () => {
    const { status } = await run(
      ws,
      `pipeline dedupes
dataset b from "datasets/banking77.jsonl" format openai
dataset zh from "datasets/zh.jsonl" format openai
stage once from b {
  dedupe exact
  dedupe near on user_text threshold 0.7 ngram 2
}
stage twice from once {
  dedupe exact
  dedupe near on user_text threshold 0.7 ngram 2
}
stage zh_once from zh {
  dedupe exact
  dedupe near on user_text threshold 0.8 char_ngram 2
}
stage zh_twice from zh_once {
  dedupe near on user_text threshold 0.8 char_ngram 2
}
`
    );
    expect(status.status).toBe('succeeded');
    const distinctConversations = (file: string) => {
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      return { rows: lines.length, distinct: new Set(lines.map((l) => JSON.stringify((JSON.parse(l) as { messages: unknown }).messages))).size };
    };
    const b = distinctConversations(path.join(ws.root, 'datasets/banking77.jsonl'));
    expect(stage(status, 'once.1').rows_out).toBe(b.distinct);
    expect(b.rows - b.distinct).toBe(11); // the 11 exact duplicates the source README names
    const zh = distinctConversations(path.join(ws.root, 'datasets/zh.jsonl'));
    expect(stage(status, 'zh_once.1').rows_out).toBe(zh.distinct);
    expect(zh.rows - zh.distinct).toBe(300); // make_scale planted exactly 10% byte-identical copies
    expect(stage(status, 'once.2').summary?.duplicates_removed).toBeGreaterThan(0);
    // every planted Chinese near duplicate (150) is found, each grouped with its original
    const labels = fs.readFileSync(path.join(ws.root, 'zh.labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; kind: string; of_line?: number });
    const dropped = await rows<{ line: number; kept: number }>(`SELECT source_line AS line, cluster_source_line AS kept FROM ${parquet(output(ws, status, 'zh_once.2', 'near_duplicates'))}`);
    const planted = new Set(labels.filter((l) => l.kind === 'near_dup').flatMap((l) => [`${l.line}:${l.of_line}`, `${l.of_line}:${l.line}`]));
    const exactOf = new Map(labels.filter((l) => l.kind === 'exact_dup').map((l) => [l.line, l.of_line!]));
    const canon = (line: number) => exactOf.get(line) ?? line;
    const hits = dropped.filter((d) => planted.has(`${canon(d.line)}:${canon(d.kept)}`)).length;
    expect(hits / 150).toBeGreaterThanOrEqual(0.9);
    expect(hits / dropped.length).toBeGreaterThanOrEqual(0.9);
    for (const id of ['twice.1', 'twice.2', 'zh_twice.1']) expect(stage(status, id).rows_out, id).toBe(stage(status, id).rows_in);
    // Chinese text is compared by characters: a dropped row really is similar to the row it was grouped with
    const zhPairs = await rows<{ a: string; b: string }>(
      `SELECT r.user_text AS a, k.user_text AS b FROM ${parquet(output(ws, status, 'zh_once.2', 'near_duplicates'))} d
       JOIN read_parquet('${output(ws, status, 'zh_once.1')}', file_row_number = true) r ON r.file_row_number = d.row_id
       JOIN read_parquet('${output(ws, status, 'zh_once.1')}', file_row_number = true) k ON k.file_row_number = d.cluster_row_id`
    );
    const chars = (t: string) => {
      const c = [...t.replace(/[^\p{L}\p{N}]/gu, '')];
      return new Set(c.slice(0, -1).map((x, i) => x + c[i + 1]));
    };
    expect(zhPairs.length).toBeGreaterThan(0);
    for (const p of zhPairs) expect(jaccard(chars(p.a), chars(p.b))).toBeGreaterThan(0.6); // transitive groups may hold less similar pairs
    expect(zhPairs.filter((p) => jaccard(chars(p.a), chars(p.b)) >= 0.8).length / zhPairs.length).toBeGreaterThan(0.9);
  });
});

/**
 * The source is sgd_dev (multi-turn dialogs): banking77's short questions include real near
 * duplicates of each other, which a small scaled file keeps in full and the labels count as false
 * positives. The 1M benchmark uses banking77, where they are a small share.
 */
describeShared('exact and near duplicate counts on a make_scale file with planted duplicates', () => {
  let ws: Awaited<ReturnType<typeof tempWorkspace>>;
  const N = 12_000;
  beforeAll(async () => {
    ws = await tempWorkspace();
    fs.mkdirSync(path.join(ws.root, 'datasets'));
    execFileSync(process.execPath, [shared('datasets', 'make_scale.mjs'), '--in', shared('datasets', 'sgd_dev.chat.jsonl'), '--out', path.join(ws.root, 'datasets/scale.jsonl'), '--rows', String(N), '--dup', '0.10', '--near', '0.05', '--seed', '3', '--labels', path.join(ws.root, 'labels.jsonl')], { stdio: 'pipe' });
  });
  afterAll(() => ws.cleanup());

  it('removes exactly the planted exact duplicates, and finds the planted near duplicates with recall ≥ 0.9 and precision ≥ 0.95', async () => {
    const { status } = await run(
      ws,
      `pipeline scale
dataset s from "datasets/scale.jsonl" format openai
stage clean from s {
  dedupe exact
  dedupe near on user_text threshold 0.8
}
`
    );
    expect(status.status).toBe('succeeded');
    expect(stage(status, 'clean.1').rows_in! - stage(status, 'clean.1').rows_out!).toBe(N * 0.1);
    type Label = { line: number; kind: string; of_line?: number };
    const labels = fs.readFileSync(path.join(ws.root, 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Label);
    const base = new Map<number, number>(labels.map((l) => [l.line, l.kind === 'exact_dup' ? l.of_line! : l.line]));
    const related = (line: number) => {
      const l = labels[line - 1];
      return l.kind === 'near_dup' ? base.get(l.of_line!)! : base.get(line)!;
    };
    const dropped = await rows<{ line: number; kept: number }>(`SELECT source_line AS line, cluster_source_line AS kept FROM ${parquet(output(ws, status, 'clean.2', 'near_duplicates'))}`);
    const precision = dropped.filter((d) => related(d.line) === related(d.kept)).length / dropped.length;
    const present = new Set((await rows<{ l: number }>(`SELECT source_line AS l FROM ${parquet(output(ws, status, 'clean.1'))}`)).map((r) => r.l));
    const first = new Map<number, number>();
    for (const l of labels) if (present.has(l.line) && !first.has(base.get(l.line)!)) first.set(base.get(l.line)!, l.line);
    const cluster = new Map(dropped.map((d) => [d.line, d.kept]));
    const near = labels.filter((l) => l.kind === 'near_dup');
    const found = near.filter((l) => (cluster.get(l.line) ?? l.line) === (cluster.get(first.get(base.get(l.of_line!)!)!) ?? first.get(base.get(l.of_line!)!)));
    expect(near.length).toBe(N * 0.05);
    expect(found.length / near.length).toBeGreaterThanOrEqual(0.9);
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(stage(status, 'clean.2').summary).toMatchObject({ minhash_engine: 'wasm-simd', duplicates_removed: dropped.length });
  });
});
