/**
 * Where a model's tensors come from: one model.safetensors, a sharded set named by
 * model.safetensors.index.json, or an in-memory map (randomly initialised models). Architectures
 * read tensors by Hugging Face name through `WeightSource` and never see files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readSafetensors, tensorToF32, type SafetensorsFile, SafetensorsError } from './safetensors.ts';

export interface WeightSource {
  names(): string[];
  has(name: string): boolean;
  shape(name: string): number[];
  /** float32 values in the Hugging Face layout. */
  read(name: string): Float32Array;
  /** Where a tensor lives, for error messages. */
  where(name?: string): string;
}

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export function memoryWeights(tensors: Map<string, HostTensor>, label = '<memory>'): WeightSource {
  return {
    names: () => [...tensors.keys()],
    has: (n) => tensors.has(n),
    shape: (n) => {
      const t = tensors.get(n);
      if (!t) throw new Error(`${label}: no tensor '${n}'`);
      return t.shape;
    },
    read: (n) => {
      const t = tensors.get(n);
      if (!t) throw new Error(`${label}: no tensor '${n}'`);
      return t.data;
    },
    where: () => label
  };
}

/** Files of the weights in a model folder: the single file or the shards of the index. */
export function weightFiles(dir: string): { files: string[]; index: string | null } {
  const single = path.join(dir, 'model.safetensors');
  const index = path.join(dir, 'model.safetensors.index.json');
  if (fs.existsSync(index)) {
    let j: { weight_map?: Record<string, string> };
    try {
      j = JSON.parse(fs.readFileSync(index, 'utf8'));
    } catch (e) {
      throw new SafetensorsError(index, `is not valid JSON: ${(e as Error).message}`);
    }
    if (!j.weight_map || typeof j.weight_map !== 'object') throw new SafetensorsError(index, "has no 'weight_map' object");
    const files = [...new Set(Object.values(j.weight_map))].map((f) => path.join(dir, f));
    for (const f of files) if (!fs.existsSync(f)) throw new SafetensorsError(index, `names shard ${path.basename(f)}, which is missing`);
    return { files, index };
  }
  if (fs.existsSync(single)) return { files: [single], index: null };
  if (fs.existsSync(path.join(dir, 'pytorch_model.bin'))) {
    throw new SafetensorsError(dir, 'has only pytorch_model.bin (pickle); convert it to model.safetensors first (transformers: save_pretrained(..., safe_serialization=True))');
  }
  throw new SafetensorsError(dir, 'has no model.safetensors or model.safetensors.index.json');
}

/** Opens the safetensors weights of a model folder (shards are parsed lazily, once each). */
export function folderWeights(dir: string): WeightSource {
  const { files, index } = weightFiles(dir);
  const owner = new Map<string, string>();
  if (index) {
    const map = (JSON.parse(fs.readFileSync(index, 'utf8')) as { weight_map: Record<string, string> }).weight_map;
    for (const [name, f] of Object.entries(map)) owner.set(name, path.join(dir, f));
  }
  const opened = new Map<string, SafetensorsFile>();
  const open = (f: string) => {
    let st = opened.get(f);
    if (!st) {
      st = readSafetensors(f);
      opened.set(f, st);
    }
    return st;
  };
  if (!index) for (const n of open(files[0]).entries.keys()) owner.set(n, files[0]);
  const fileOf = (n: string): SafetensorsFile => {
    const f = owner.get(n);
    if (!f) throw new SafetensorsError(index ?? files[0], 'missing from the weights', n);
    const st = open(f);
    if (!st.entries.has(n)) throw new SafetensorsError(f, `listed in ${path.basename(index ?? f)} but not in the shard`, n);
    return st;
  };
  // INT8 exports (train/export.ts): NAME is I8 with a float scale per row in NAME_scale.
  const isScale = (n: string) => n.endsWith('_scale') && owner.has(n.slice(0, -6)) && fileOf(n.slice(0, -6)).entries.get(n.slice(0, -6))!.dtype === 'I8';
  return {
    names: () => [...owner.keys()].filter((n) => !isScale(n)),
    has: (n) => owner.has(n),
    shape: (n) => fileOf(n).entries.get(n)!.shape,
    read: (n) => (fileOf(n).entries.get(n)!.dtype === 'I8' ? readInt8(fileOf(n), n, owner.has(`${n}_scale`) ? fileOf(`${n}_scale`) : null) : tensorToF32(fileOf(n), n)),
    where: (n) => (n && owner.get(n)) || index || files[0]
  };
}

/** Dequantises an I8 tensor [rows, …] with its per-row F32 scales (NAME_scale, [rows]). */
function readInt8(st: SafetensorsFile, name: string, scaleFile: SafetensorsFile | null): Float32Array {
  const e = st.entries.get(name)!;
  if (!scaleFile) throw new SafetensorsError(st.path, `is INT8 but has no '${name}_scale' tensor`, name);
  const scale = tensorToF32(scaleFile, `${name}_scale`);
  const rows = e.shape[0] ?? 1;
  if (scale.length !== rows) throw new SafetensorsError(st.path, `has ${rows} rows but '${name}_scale' has ${scale.length} values`, name);
  const q = new Int8Array(st.bytes.buffer, st.bytes.byteOffset + st.dataStart + e.begin, e.end - e.begin);
  const cols = q.length / Math.max(1, rows);
  const out = new Float32Array(q.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = q[r * cols + c] * scale[r];
  return out;
}
