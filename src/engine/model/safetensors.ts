/**
 * The safetensors format, read and written by hand (it is tiny):
 *
 *   [8 bytes] N, little-endian u64: length of the JSON header
 *   [N bytes] JSON: { "__metadata__"?: {str: str}, NAME: { dtype, shape, data_offsets: [begin, end] }, ... }
 *   [rest]    the tensor bytes; offsets are relative to the end of the header
 *
 * Writers pad the header with spaces so the data starts 8-byte aligned. We validate every entry
 * (dtype known, offsets inside the file, size = product(shape) × bytes per element, no overlaps)
 * and name the file and tensor in every error. Tensors come back as Float32Array whatever the
 * stored dtype (F32, F16, BF16), which is what the TensorFlow.js models hold.
 */
import fs from 'node:fs';
import { f16ToF32, bf16ToF32, f32ToF16, f32ToBf16 } from './dtype.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range inside the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsFile {
  path: string;
  metadata: Record<string, string>;
  entries: Map<string, TensorEntry>;
  /** The whole file; tensors are decoded from it on demand. */
  bytes: Buffer;
  dataStart: number;
}

export class SafetensorsError extends Error {
  constructor(readonly file: string, message: string, readonly tensor?: string) {
    super(`${file}${tensor ? ` (tensor '${tensor}')` : ''}: ${message}`);
    this.name = 'SafetensorsError';
  }
}

/** Parses and validates a safetensors file held in memory. */
export function parseSafetensors(bytes: Buffer, file = '<buffer>'): SafetensorsFile {
  if (bytes.length < 8) throw new SafetensorsError(file, `too short for a safetensors file (${bytes.length} bytes)`);
  const headerLen = Number(bytes.readBigUInt64LE(0));
  if (headerLen > bytes.length - 8 || headerLen > 100_000_000) {
    throw new SafetensorsError(file, `header length ${headerLen} does not fit in the file (${bytes.length} bytes); not a safetensors file?`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new SafetensorsError(file, `header is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError(file, 'header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries = new Map<string, TensorEntry>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) metadata[k] = String(v);
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) throw new SafetensorsError(file, 'entry is not an object', name);
    const dtype = e.dtype as SafetensorsDtype;
    if (typeof dtype !== 'string' || !(dtype in BYTES)) throw new SafetensorsError(file, `unsupported dtype ${JSON.stringify(e.dtype)}`, name);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new SafetensorsError(file, `bad shape ${JSON.stringify(e.shape)}`, name);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0)) throw new SafetensorsError(file, `bad data_offsets ${JSON.stringify(off)}`, name);
    const [begin, end] = off as [number, number];
    if (begin > end || end > dataLen) throw new SafetensorsError(file, `data_offsets [${begin}, ${end}] fall outside the data section (${dataLen} bytes)`, name);
    const shape = e.shape as number[];
    const expected = shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
    if (end - begin !== expected) throw new SafetensorsError(file, `holds ${end - begin} bytes but shape [${shape}] of ${dtype} needs ${expected}`, name);
    entries.set(name, { name, dtype, shape, begin, end });
  }
  const sorted = [...entries.values()].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].begin < sorted[i - 1].end && sorted[i].end > sorted[i].begin) {
      throw new SafetensorsError(file, `overlaps tensor '${sorted[i - 1].name}'`, sorted[i].name);
    }
  }
  return { path: file, metadata, entries, bytes, dataStart };
}

export function readSafetensors(file: string): SafetensorsFile {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new SafetensorsError(file, `cannot read: ${(e as Error).message}`);
  }
  return parseSafetensors(bytes, file);
}

/** Decodes one tensor to float32 (copying, so the result owns its memory). */
export function tensorToF32(st: SafetensorsFile, name: string): Float32Array {
  const e = st.entries.get(name);
  if (!e) throw new SafetensorsError(st.path, 'not found in the file', name);
  const n = e.shape.reduce((a, b) => a * b, 1);
  const at = st.dataStart + e.begin;
  // Copy into a fresh aligned buffer: the data section need not be aligned for typed arrays.
  const raw = new Uint8Array(e.end - e.begin);
  raw.set(st.bytes.subarray(at, st.dataStart + e.end));
  switch (e.dtype) {
    case 'F32':
      return new Float32Array(raw.buffer, 0, n);
    case 'F16':
      return f16ToF32(new Uint16Array(raw.buffer, 0, n));
    case 'BF16':
      return bf16ToF32(new Uint16Array(raw.buffer, 0, n));
    case 'F64':
      return Float32Array.from(new Float64Array(raw.buffer, 0, n));
    default:
      throw new SafetensorsError(st.path, `dtype ${e.dtype} cannot be loaded as model weights (expected F32, F16 or BF16)`, name);
  }
}

export interface TensorToWrite {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * Serialises tensors as safetensors bytes in `dtype` (F32 by default). Tensors are laid out in
 * name order (as Hugging Face writes them) and the header is space-padded to 8-byte alignment.
 */
export function encodeSafetensors(tensors: TensorToWrite[], opts: { dtype?: 'F32' | 'F16' | 'BF16'; metadata?: Record<string, string> } = {}): Buffer {
  const dtype = opts.dtype ?? 'F32';
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: opts.metadata ?? { format: 'pt' } };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const seen = new Set<string>();
  for (const t of sorted) {
    if (seen.has(t.name)) throw new Error(`safetensors: duplicate tensor name '${t.name}'`);
    seen.add(t.name);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`safetensors: tensor '${t.name}' has ${t.data.length} values but shape [${t.shape}] needs ${n}`);
    const bytes = dtype === 'F32' ? new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength)) : new Uint8Array((dtype === 'F16' ? f32ToF16(t.data) : f32ToBf16(t.data)).buffer);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  const pad = (8 - (Buffer.byteLength(json) % 8)) % 8;
  json += ' '.repeat(pad);
  const headerBytes = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(headerBytes.length));
  return Buffer.concat([len, headerBytes, ...chunks]);
}

/** Writes a safetensors file atomically (temp + rename). */
export async function writeSafetensors(file: string, tensors: TensorToWrite[], opts: { dtype?: 'F32' | 'F16' | 'BF16'; metadata?: Record<string, string> } = {}): Promise<void> {
  await writeFileAtomic(file, encodeSafetensors(tensors, opts));
}
