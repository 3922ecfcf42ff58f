/**
 * Exports of a training checkpoint (`tunebench export`):
 *
 *   adapter  a PEFT LoRA adapter folder (peft.ts): adapter_config.json (base_model_name_or_path
 *            = the base model folder, absolute) + adapter_model.safetensors. LoRA checkpoints only.
 *   merged   a Hugging Face model folder: the adapter folded into the base weights (or the full
 *            fine-tuned weights), float32 model.safetensors, config.json, generation_config.json
 *            and the tokenizer files. Loads anywhere a Hugging Face Llama / GPT-2 loads.
 *   int8     the merged model, weight-only INT8 (the format tunebench reads back):
 *              - every 2-D weight (projections, embeddings, lm_head) as I8 in its Hugging Face
 *                layout [rows, cols], symmetric, one float32 scale per row (the output channel
 *                of a projection; one token of an embedding) in NAME_scale (F32 [rows]):
 *                W ≈ NAME · NAME_scale[:, None]
 *              - norms, biases and 1-D tensors stay F32
 *              - config.json gains "quantization_config": {"quant_method": "tunebench-int8",
 *                "bits": 8, "symmetric": true, "granularity": "per-output-channel",
 *                "scale_suffix": "_scale", "modules": "all 2-D weights"}
 *            It is smaller on disk (about a quarter) and loads back as float32 weights.
 * The int8 report gives the size reduction and, with validation data, the validation-loss change
 * from the merged float32 model.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { ChatMessage } from '../model/chat-template.ts';
import { loadModel } from '../model/load.ts';
import { exportHfTensors } from '../model/param-io.ts';
import { writeSafetensors, type TensorToWrite } from '../model/safetensors.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.ts';
import { isCheckpoint, MODEL_SIDE_FILES, readCheckpointMeta } from './checkpoint.ts';
import { loadTrainedModel, resolveBasePath } from './load-trained.ts';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS, isAdapterFolder, readAdapter } from './peft.ts';
import { quantizeRows } from './quant.ts';
import { tokenizeConversations } from './data.ts';
import { evaluate } from './evaluate.ts';

export type ExportFormat = 'adapter' | 'merged' | 'int8';

export interface ExportReport {
  format: ExportFormat;
  source: string;
  out: string;
  files: { name: string; bytes: number }[];
  bytes: number;
  /** int8: float32 weights vs int8 weights + scales. */
  size?: { float32_bytes: number; int8_bytes: number; reduction: number };
  /** int8 with validation data: mean loss of the merged float32 model and of the int8 model. */
  valid_loss?: { float32: number; int8: number; change: number; examples: number };
}

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

async function copySideFiles(from: string, to: string, skip: string[] = []): Promise<void> {
  for (const f of MODEL_SIDE_FILES) {
    if (skip.includes(f)) continue;
    const src = path.join(from, f);
    if (fs.existsSync(src)) await fsp.copyFile(src, path.join(to, f));
  }
}

function listing(dir: string): { files: ExportReport['files']; bytes: number } {
  const files = fs.readdirSync(dir).sort().map((name) => ({ name, bytes: fs.statSync(path.join(dir, name)).size }));
  return { files, bytes: files.reduce((n, f) => n + f.bytes, 0) };
}

/** Where the merged weights' side files (config, tokenizer) come from. */
function sideFilesDir(source: string): string {
  if (!isAdapterFolder(source)) return source;
  const meta = isCheckpoint(source) ? readCheckpointMeta(source) : null;
  return resolveBasePath(source, meta ? meta.base.path : readAdapter(source).baseNameOrPath);
}

async function exportAdapter(source: string, out: string): Promise<void> {
  if (!isAdapterFolder(source)) throw new ExportError(`${source} holds full fine-tuned weights, not a LoRA adapter; export it with --format merged or int8`);
  const base = sideFilesDir(source);
  const cfg = JSON.parse(fs.readFileSync(path.join(source, ADAPTER_CONFIG), 'utf8')) as Record<string, unknown>;
  cfg.base_model_name_or_path = base;
  await fsp.copyFile(path.join(source, ADAPTER_WEIGHTS), path.join(out, ADAPTER_WEIGHTS));
  await writeJsonAtomic(path.join(out, ADAPTER_CONFIG), cfg);
}

async function exportMerged(source: string, out: string): Promise<void> {
  const tm = loadTrainedModel(source, { merge: true, basePrecision: 'float32' });
  try {
    await writeSafetensors(path.join(out, 'model.safetensors'), await exportHfTensors(tm.model));
  } finally {
    tm.dispose();
  }
  await copySideFiles(sideFilesDir(source), out);
}

/** Serialises F32 and I8 tensors side by side (the shared writer does one float dtype). */
function encodeMixed(tensors: { name: string; shape: number[]; dtype: 'F32' | 'I8'; bytes: Uint8Array }[]): Buffer {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', quantization: 'tunebench-int8' } };
  let offset = 0;
  for (const t of sorted) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const h = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, ...sorted.map((t) => t.bytes)]);
}

export const INT8_QUANTIZATION_CONFIG = {
  quant_method: 'tunebench-int8',
  bits: 8,
  symmetric: true,
  granularity: 'per-output-channel',
  scale_suffix: '_scale',
  modules: 'all 2-D weights'
};

/** Writes `tensors` (HF layout, float32) as an int8 model.safetensors; returns float/int8 bytes. */
export async function writeInt8Weights(file: string, tensors: TensorToWrite[]): Promise<{ float32Bytes: number; int8Bytes: number }> {
  const parts: { name: string; shape: number[]; dtype: 'F32' | 'I8'; bytes: Uint8Array }[] = [];
  let float32Bytes = 0;
  let int8Bytes = 0;
  for (const t of tensors) {
    float32Bytes += t.data.byteLength;
    if (t.shape.length === 2) {
      const [rows, cols] = t.shape;
      const q = quantizeRows(t.data, rows, cols);
      parts.push({ name: t.name, shape: t.shape, dtype: 'I8', bytes: new Uint8Array(q.q.buffer) });
      parts.push({ name: `${t.name}_scale`, shape: [rows], dtype: 'F32', bytes: new Uint8Array(q.scale.buffer) });
      int8Bytes += q.q.byteLength + q.scale.byteLength;
    } else {
      parts.push({ name: t.name, shape: t.shape, dtype: 'F32', bytes: new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength)) });
      int8Bytes += t.data.byteLength;
    }
  }
  await writeFileAtomic(file, encodeMixed(parts));
  return { float32Bytes, int8Bytes };
}

async function exportInt8(source: string, out: string): Promise<ExportReport['size']> {
  const tm = loadTrainedModel(source, { merge: true, basePrecision: 'float32' });
  let sizes;
  try {
    sizes = await writeInt8Weights(path.join(out, 'model.safetensors'), await exportHfTensors(tm.model));
  } finally {
    tm.dispose();
  }
  const side = sideFilesDir(source);
  await copySideFiles(side, out, ['config.json']);
  const cfg = JSON.parse(fs.readFileSync(path.join(side, 'config.json'), 'utf8')) as Record<string, unknown>;
  cfg.quantization_config = INT8_QUANTIZATION_CONFIG;
  await writeJsonAtomic(path.join(out, 'config.json'), cfg);
  return { float32_bytes: sizes.float32Bytes, int8_bytes: sizes.int8Bytes, reduction: 1 - sizes.int8Bytes / sizes.float32Bytes };
}

/** Mean validation loss of a model folder (or checkpoint) on conversations. */
function validLoss(dir: string, conversations: ChatMessage[][], maxLength: number): { loss: number; examples: number } {
  const m = isAdapterFolder(dir) ? loadTrainedModel(dir, { merge: true, basePrecision: 'float32' }) : loadModel(dir);
  try {
    const { examples } = tokenizeConversations(m.chat!, conversations, Math.min(maxLength, m.model.config.maxPositions));
    const padId = m.generation.padTokenId ?? m.generation.eosTokenIds[0] ?? 0;
    return { loss: evaluate(m.model, examples, { padId }).loss, examples: examples.length };
  } finally {
    m.dispose();
  }
}

export interface ExportOptions {
  /** A checkpoint folder (or any folder loadTrainedModel reads). */
  source: string;
  format: ExportFormat;
  out: string;
  /** int8: measure the validation-loss change on these conversations. */
  validation?: ChatMessage[][] | null;
  maxLength?: number;
  /** Replace a non-empty output folder. */
  overwrite?: boolean;
}

/** Writes the export into a temporary folder beside `out` and renames it into place. */
export async function exportCheckpoint(o: ExportOptions): Promise<ExportReport> {
  const source = path.resolve(o.source);
  const out = path.resolve(o.out);
  if (fs.existsSync(out) && fs.readdirSync(out).length && !o.overwrite) throw new ExportError(`${out} exists and is not empty (use --force to replace it)`);
  const tmp = `${out}.tmp-${process.pid}`;
  await fsp.rm(tmp, { recursive: true, force: true });
  await fsp.mkdir(tmp, { recursive: true });
  let size: ExportReport['size'];
  try {
    if (o.format === 'adapter') await exportAdapter(source, tmp);
    else if (o.format === 'merged') await exportMerged(source, tmp);
    else size = await exportInt8(source, tmp);
    await fsp.rm(out, { recursive: true, force: true });
    await fsp.rename(tmp, out);
  } catch (e) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  const report: ExportReport = { format: o.format, source, out, ...listing(out), ...(size ? { size } : {}) };
  if (o.format === 'int8' && o.validation?.length) {
    const before = validLoss(source, o.validation, o.maxLength ?? 512);
    const after = validLoss(out, o.validation, o.maxLength ?? 512);
    report.valid_loss = { float32: before.loss, int8: after.loss, change: after.loss - before.loss, examples: after.examples };
  }
  return report;
}
