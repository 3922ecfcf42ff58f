/**
 * Concatenates Parquet files that share one schema into a single file without re-encoding: the
 * column chunks of every input are copied byte for byte, and a new footer lists all their row
 * groups with file offsets shifted to their new place. This lets big imports convert byte ranges
 * of the input in parallel (one single-threaded DuckDB COPY each) and still store one file.
 *
 * The footer is Thrift compact protocol; a small generic reader/writer keeps every field it does
 * not know. Page indexes (ColumnChunk fields 4-7) are dropped, because the offset index they
 * point to holds absolute page offsets inside the copied bytes; readers then scan pages without
 * them. Bloom filter offsets are shifted (a bloom filter holds no offsets).
 */
import fsp from 'node:fs/promises';

// ---------------------------------------------------------------- Thrift compact protocol

const T = { STOP: 0, TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 } as const;

type Value = bigint | number | boolean | Uint8Array | TStruct | TList | TMap;
interface TStruct {
  kind: 'struct';
  fields: { id: number; type: number; value: Value }[];
}
interface TList {
  kind: 'list';
  elemType: number;
  items: Value[];
}
interface TMap {
  kind: 'map';
  keyType: number;
  valType: number;
  entries: [Value, Value][];
}

class Reader {
  pos = 0;
  constructor(private b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new Error('parquet footer ends early');
    return this.b[this.pos++];
  }
  varint(): bigint {
    let shift = 0n;
    let r = 0n;
    for (;;) {
      const x = this.byte();
      r |= BigInt(x & 0x7f) << shift;
      if ((x & 0x80) === 0) return r;
      shift += 7n;
    }
  }
  zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }
  value(type: number): Value {
    switch (type) {
      case T.TRUE:
        return true;
      case T.FALSE:
        return false;
      case T.BYTE:
        return this.byte();
      case T.I16:
      case T.I32:
        return Number(this.zigzag());
      case T.I64:
        return this.zigzag();
      case T.DOUBLE: {
        const v = this.b.slice(this.pos, this.pos + 8);
        this.pos += 8;
        return v;
      }
      case T.BINARY: {
        const n = Number(this.varint());
        const v = this.b.slice(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case T.LIST:
      case T.SET: {
        const h = this.byte();
        const elemType = h & 0x0f;
        const size = h >> 4 === 0x0f ? Number(this.varint()) : h >> 4;
        const items: Value[] = [];
        for (let i = 0; i < size; i++) items.push(elemType === T.TRUE || elemType === T.FALSE ? this.byte() === T.TRUE : this.value(elemType));
        return { kind: 'list', elemType, items };
      }
      case T.MAP: {
        const size = Number(this.varint());
        const kv = size > 0 ? this.byte() : 0;
        const m: TMap = { kind: 'map', keyType: kv >> 4, valType: kv & 0x0f, entries: [] };
        for (let i = 0; i < size; i++) m.entries.push([this.value(m.keyType), this.value(m.valType)]);
        return m;
      }
      case T.STRUCT:
        return this.struct();
      default:
        throw new Error(`unknown thrift type ${type} in the parquet footer`);
    }
  }
  struct(): TStruct {
    const s: TStruct = { kind: 'struct', fields: [] };
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === T.STOP) return s;
      const type = h & 0x0f;
      const delta = h >> 4;
      const id = delta === 0 ? Number(this.zigzag()) : last + delta;
      last = id;
      s.fields.push({ id, type, value: this.value(type) });
    }
  }
}

class Writer {
  private parts: number[] = [];
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
  varint(n: bigint): void {
    let v = n;
    do {
      let x = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) x |= 0x80;
      this.parts.push(x);
    } while (v > 0n);
  }
  zigzag(n: bigint): void {
    this.varint((n << 1n) ^ (n >> 63n));
  }
  raw(b: Uint8Array): void {
    for (const x of b) this.parts.push(x);
  }
  value(type: number, v: Value): void {
    switch (type) {
      case T.TRUE:
      case T.FALSE:
        return;
      case T.BYTE:
        this.parts.push((v as number) & 0xff);
        return;
      case T.I16:
      case T.I32:
        this.zigzag(BigInt(v as number));
        return;
      case T.I64:
        this.zigzag(v as bigint);
        return;
      case T.DOUBLE:
        this.raw(v as Uint8Array);
        return;
      case T.BINARY:
        this.varint(BigInt((v as Uint8Array).length));
        this.raw(v as Uint8Array);
        return;
      case T.LIST:
      case T.SET: {
        const l = v as TList;
        if (l.items.length < 15) this.parts.push((l.items.length << 4) | l.elemType);
        else {
          this.parts.push(0xf0 | l.elemType);
          this.varint(BigInt(l.items.length));
        }
        for (const it of l.items) {
          if (l.elemType === T.TRUE || l.elemType === T.FALSE) this.parts.push(it ? T.TRUE : T.FALSE);
          else this.value(l.elemType, it);
        }
        return;
      }
      case T.MAP: {
        const m = v as TMap;
        this.varint(BigInt(m.entries.length));
        if (m.entries.length > 0) this.parts.push((m.keyType << 4) | m.valType);
        for (const [k, x] of m.entries) {
          this.value(m.keyType, k);
          this.value(m.valType, x);
        }
        return;
      }
      case T.STRUCT:
        this.struct(v as TStruct);
        return;
    }
  }
  struct(s: TStruct): void {
    let last = 0;
    for (const f of [...s.fields].sort((a, b) => a.id - b.id)) {
      const type = f.type === T.TRUE || f.type === T.FALSE ? (f.value ? T.TRUE : T.FALSE) : f.type;
      const delta = f.id - last;
      if (delta > 0 && delta <= 15) this.parts.push((delta << 4) | type);
      else {
        this.parts.push(type);
        this.zigzag(BigInt(f.id));
      }
      last = f.id;
      this.value(type, f.value);
    }
    this.parts.push(T.STOP);
  }
}

// ---------------------------------------------------------------- Parquet footer edits

const field = (s: TStruct, id: number) => s.fields.find((f) => f.id === id);

function shiftI64(s: TStruct, id: number, delta: bigint): void {
  const f = field(s, id);
  if (f && f.type === T.I64) f.value = (f.value as bigint) + delta;
}

// FileMetaData: 2 schema, 3 num_rows, 4 row_groups. RowGroup: 1 columns, 5 file_offset,
// 7 ordinal. ColumnChunk: 2 file_offset, 3 meta_data, 4-7 page index. ColumnMetaData:
// 9 data_page_offset, 10 index_page_offset, 11 dictionary_page_offset, 14 bloom_filter_offset.
function shiftRowGroup(rg: TStruct, delta: bigint, ordinal: number): void {
  shiftI64(rg, 5, delta);
  const ord = field(rg, 7);
  if (ord) ord.value = ordinal;
  const cols = field(rg, 1)?.value as TList | undefined;
  for (const cc of (cols?.items ?? []) as TStruct[]) {
    shiftI64(cc, 2, delta);
    cc.fields = cc.fields.filter((f) => f.id < 4 || f.id > 7);
    const md = field(cc, 3)?.value as TStruct | undefined;
    if (md) for (const id of [9, 10, 11, 14]) shiftI64(md, id, delta);
  }
}

interface Input {
  path: string;
  size: number;
  footer: TStruct;
  schema: Uint8Array;
}

async function readFooter(path: string): Promise<Input> {
  const fh = await fsp.open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tail = Buffer.alloc(8);
    await fh.read(tail, 0, 8, size - 8);
    if (tail.toString('latin1', 4) !== 'PAR1') throw new Error(`${path} is not a plain Parquet file (no PAR1 footer)`);
    const len = tail.readUInt32LE(0);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - 8 - len);
    const footer = new Reader(buf).struct();
    const schemaField = field(footer, 2);
    const w = new Writer();
    if (schemaField) w.value(schemaField.type, schemaField.value);
    return { path, size, footer, schema: w.bytes() };
  } finally {
    await fh.close();
  }
}

/** Writes `output` holding the row groups of `inputs` in order. Throws if the schemas differ. */
export async function concatParquet(inputs: string[], output: string): Promise<void> {
  if (inputs.length === 0) throw new Error('concatParquet: no inputs');
  const metas = await Promise.all(inputs.map(readFooter));
  for (const m of metas.slice(1)) {
    if (Buffer.compare(Buffer.from(m.schema), Buffer.from(metas[0].schema)) !== 0) throw new Error(`concatParquet: ${m.path} has a different schema than ${metas[0].path}`);
  }
  const out = await fsp.open(output, 'w');
  try {
    let pos = 0;
    const write = async (b: Uint8Array) => {
      let off = 0;
      while (off < b.length) off += (await out.write(b, off, b.length - off, pos + off)).bytesWritten;
      pos += b.length;
    };
    await write(Buffer.from('PAR1', 'latin1'));
    const rowGroups: Value[] = [];
    let rows = 0n;
    const chunk = Buffer.allocUnsafe(8 << 20);
    for (const m of metas) {
      const tail = Buffer.alloc(4);
      const inp = await fsp.open(m.path, 'r');
      try {
        await inp.read(tail, 0, 4, m.size - 8);
        const bodyEnd = m.size - 8 - tail.readUInt32LE(0);
        const delta = BigInt(pos - 4);
        for (let at = 4; at < bodyEnd; ) {
          const { bytesRead } = await inp.read(chunk, 0, Math.min(chunk.length, bodyEnd - at), at);
          if (bytesRead === 0) throw new Error(`${m.path} ended early`);
          await write(chunk.subarray(0, bytesRead));
          at += bytesRead;
        }
        for (const rg of ((field(m.footer, 4)?.value as TList | undefined)?.items ?? []) as TStruct[]) {
          shiftRowGroup(rg, delta, rowGroups.length);
          rowGroups.push(rg);
        }
        rows += (field(m.footer, 3)?.value as bigint | undefined) ?? 0n;
      } finally {
        await inp.close();
      }
    }
    const footer: TStruct = { kind: 'struct', fields: metas[0].footer.fields.map((f) => ({ ...f })) };
    field(footer, 3)!.value = rows;
    const rg = field(footer, 4);
    if (rg) rg.value = { kind: 'list', elemType: T.STRUCT, items: rowGroups };
    const w = new Writer();
    w.struct(footer);
    const bytes = w.bytes();
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(bytes.length, 0);
    tail.write('PAR1', 4, 'latin1');
    await write(bytes);
    await write(tail);
  } finally {
    await out.close();
  }
}
