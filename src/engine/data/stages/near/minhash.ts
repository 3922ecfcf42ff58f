/**
 * MinHash signatures. Permutation k maps a 32-bit shingle hash x to a_k·x + b_k (mod 2^32, a_k
 * odd, as signed 32-bit); the signature is the minimum over a row's shingles for each k. The
 * (a, b) pairs come from the Plan's seed, so signatures are reproducible.
 *
 * This inner loop is where near-dedupe spends its time (rows × shingles × permutations), so it
 * runs in a small WebAssembly SIMD kernel: 4 permutations per i32x4 multiply-add-min, 16 per pass
 * over a row's shingles. The module is assembled here byte by byte (about 300 bytes: no toolchain,
 * nothing downloaded). minhashJs() is the plain reference it is tested against, and the fallback
 * where WebAssembly SIMD is missing.
 */

export interface Permutations {
  a: Int32Array;
  b: Int32Array;
}

/** Seeded (a, b) pairs; a is odd so each map is a bijection of the 32-bit integers. */
export function permutations(count: number, seed: number): Permutations {
  let s = (seed ^ 0x5bd1e995) | 0;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) | 0;
  };
  const a = new Int32Array(count);
  const b = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    a[k] = next() | 1;
    b[k] = next();
  }
  return { a, b };
}

const EMPTY = 0x7fffffff;

/**
 * Reference: signatures of rows [0, rows) whose shingles are shingles[offsets[r] .. offsets[r+1]),
 * into out[r * P + k]. A row without shingles gets all EMPTY values.
 */
export function minhashJs(perm: Permutations, shingles: Int32Array, offsets: Int32Array, rows: number, out: Int32Array): void {
  const P = perm.a.length;
  for (let r = 0; r < rows; r++) {
    const start = offsets[r];
    const end = offsets[r + 1];
    for (let k = 0; k < P; k++) {
      const a = perm.a[k];
      const b = perm.b[k];
      let m = EMPTY;
      for (let i = start; i < end; i++) {
        const v = (Math.imul(a, shingles[i]) + b) | 0;
        if (v < m) m = v;
      }
      out[r * P + k] = m;
    }
  }
}

// ---------------------------------------------------------------- the WebAssembly kernel
/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

/** Signed LEB128 (for i32.const). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// opcodes
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (n: number) => [0x41, ...sleb(n)];
const ADD = 0x6a;
const MUL = 0x6c;
const GE_U = 0x4f;
const load32 = (offset: number) => [0x28, 2, ...uleb(offset)];
const simd = (op: number) => [0xfd, ...uleb(op)];
const v128load = (offset: number) => [...simd(0x00), 0, ...uleb(offset)];
const v128store = (offset: number) => [...simd(0x0b), 0, ...uleb(offset)];
const SPLAT = simd(0x11);
const VADD = simd(0xae);
const VMUL = simd(0xb5);
const VMIN = simd(0xb6);
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = 0x0b;
const br = (d: number) => [0x0c, d];
const brIf = (d: number) => [0x0d, d];

/**
 * minhash(shPtr, offPtr, rows, aPtr, bPtr, P, outPtr): pointers are byte addresses of int32
 * arrays in the module's memory; P is a multiple of 16.
 */
function kernelBytes(): Uint8Array<ArrayBuffer> {
  // params 0..6: shPtr offPtr rows aPtr bPtr P outPtr; i32 locals 7..11: r kb i end outRow;
  // v128 locals 12: x, 13-16: a0..a3, 17-20: b0..b3, 21-24: m0..m3
  const [SH, OFF, ROWS, A, B, P, OUT, R, KB, I, END_, OROW, X] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const a = (j: number) => 13 + j;
  const b = (j: number) => 17 + j;
  const m = (j: number) => 21 + j;
  const code: number[] = [];
  const emit = (...xs: (number | number[])[]) => xs.forEach((x) => (Array.isArray(x) ? code.push(...x) : code.push(x)));
  const maxConst = [...simd(0x0c), ...Array(4).fill([0xff, 0xff, 0xff, 0x7f]).flat()];

  emit(i32(0), set(R));
  emit(BLOCK, LOOP); // rows
  emit(get(R), get(ROWS), GE_U, brIf(1));
  emit(get(OUT), get(R), get(P), MUL, i32(4), MUL, ADD, set(OROW));
  emit(i32(0), set(KB));
  emit(BLOCK, LOOP); // permutation blocks of 16
  emit(get(KB), get(P), GE_U, brIf(1));
  for (let j = 0; j < 4; j++) {
    emit(get(A), get(KB), i32(4), MUL, ADD, v128load(16 * j), set(a(j)));
    emit(get(B), get(KB), i32(4), MUL, ADD, v128load(16 * j), set(b(j)));
    emit(maxConst, set(m(j)));
  }
  emit(get(SH), get(OFF), get(R), i32(4), MUL, ADD, load32(0), i32(4), MUL, ADD, set(I));
  emit(get(SH), get(OFF), get(R), i32(4), MUL, ADD, load32(4), i32(4), MUL, ADD, set(END_));
  emit(BLOCK, LOOP); // shingles
  emit(get(I), get(END_), GE_U, brIf(1));
  emit(get(I), load32(0), SPLAT, set(X));
  for (let j = 0; j < 4; j++) emit(get(m(j)), get(a(j)), get(X), VMUL, get(b(j)), VADD, VMIN, set(m(j)));
  emit(get(I), i32(4), ADD, set(I), br(0), END, END);
  for (let j = 0; j < 4; j++) emit(get(OROW), get(KB), i32(4), MUL, ADD, get(m(j)), v128store(16 * j));
  emit(get(KB), i32(16), ADD, set(KB), br(0), END, END);
  emit(get(R), i32(1), ADD, set(R), br(0), END, END);
  emit(END);

  const body = [...vec([[5, 0x7f], [13, 0x7b]]), ...code];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(Array(7).fill([0x7f])), 0x00]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...name('minhash'), 0x00, 0], [...name('memory'), 0x02, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]]))
  ];
  return new Uint8Array(bytes);
}

type KernelExports = { minhash: (...args: number[]) => void; memory: WebAssembly.Memory };

let compiled: WebAssembly.Module | null | undefined;

function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(kernelBytes());
    } catch {
      compiled = null; // no WebAssembly SIMD here: the JS loop is used
    }
  }
  return compiled;
}

export interface MinHasher {
  readonly permutations: number;
  /** 'wasm-simd' or 'js' */
  readonly engine: string;
  /** Signatures of `rows` rows (layout as minhashJs) into out (length ≥ rows × P). */
  hash(shingles: Int32Array, offsets: Int32Array, rows: number, out: Int32Array): void;
}

/** A MinHasher for `perm`; `forceJs` picks the reference loop. */
export function minHasher(perm: Permutations, opts: { forceJs?: boolean } = {}): MinHasher {
  const P = perm.a.length;
  const mod = opts.forceJs || P % 16 !== 0 ? null : kernelModule();
  if (!mod) return { permutations: P, engine: 'js', hash: (s, o, rows, out) => minhashJs(perm, s, o, rows, out) };
  const inst = new WebAssembly.Instance(mod, {}).exports as unknown as KernelExports;
  let capacity = 0;
  return {
    permutations: P,
    engine: 'wasm-simd',
    hash(shingles, offsets, rows, out) {
      if (rows === 0) return;
      const base = offsets[0];
      const nSh = offsets[rows] - base;
      // layout: a | b | offsets (rebased) | shingles | out, each 16-byte aligned
      const align = (n: number) => (n + 15) & ~15;
      const aPtr = 0;
      const bPtr = align(aPtr + P * 4);
      const offPtr = align(bPtr + P * 4);
      const shPtr = align(offPtr + (rows + 1) * 4);
      const outPtr = align(shPtr + nSh * 4);
      const need = outPtr + rows * P * 4;
      if (need > capacity) {
        const have = inst.memory.buffer.byteLength;
        if (need > have) inst.memory.grow(Math.ceil((need - have) / 65536));
        capacity = inst.memory.buffer.byteLength;
      }
      const mem = inst.memory.buffer;
      new Int32Array(mem, aPtr, P).set(perm.a);
      new Int32Array(mem, bPtr, P).set(perm.b);
      const off = new Int32Array(mem, offPtr, rows + 1);
      for (let r = 0; r <= rows; r++) off[r] = offsets[r] - base;
      new Int32Array(mem, shPtr, nSh).set(shingles.subarray(base, base + nSh));
      inst.minhash(shPtr, offPtr, rows, aPtr, bPtr, P, outPtr);
      out.set(new Int32Array(inst.memory.buffer, outPtr, rows * P));
    }
  };
}
