/**
 * Arrow values (what duckdb-wasm returns) → plain JSON-like values for display: BIGINT becomes a
 * number when exact (else its digits as a string), lists become arrays, structs and maps objects,
 * timestamps ISO text, binary a short description.
 */

interface VectorLike {
  length: number;
  get(i: number): unknown;
}

function isVectorLike(v: object): v is VectorLike {
  return typeof (v as VectorLike).get === 'function' && typeof (v as VectorLike).length === 'number' && typeof (v as { toArray?: unknown }).toArray === 'function';
}

export function toPlain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `<${v.byteLength} bytes>`;
  if (isVectorLike(v)) return Array.from({ length: v.length }, (_, i) => toPlain(v.get(i)));
  const json = typeof (v as { toJSON?: unknown }).toJSON === 'function' ? (v as { toJSON(): unknown }).toJSON() : v;
  if (Array.isArray(json)) return json.map(toPlain);
  if (json && typeof json === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(json)) out[k] = toPlain(x);
    return out;
  }
  return json;
}

/** A reader for one column that knows its type: timestamps and dates arrive as epoch numbers. */
export function columnReader(vector: VectorLike | null, type: string): (i: number) => unknown {
  if (!vector) return () => null;
  if (/^(Timestamp|Date)/.test(type)) {
    return (i) => {
      const v = vector.get(i);
      if (v === null || v === undefined) return null;
      const ms = typeof v === 'bigint' ? Number(v) : (v as number);
      const d = new Date(ms);
      return Number.isNaN(d.getTime()) ? String(v) : /^Date/.test(type) ? d.toISOString().slice(0, 10) : d.toISOString();
    };
  }
  return (i) => toPlain(vector.get(i));
}
