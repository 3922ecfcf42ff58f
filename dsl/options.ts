/**
 * Option readers: small typed parsers from a setting's values to a parameter value, each with a
 * description used in messages ("expects an integer ≥ 1 or auto") and in the reference. An
 * option table maps each key of one context (train, eval, style, ...) to its reader, default
 * and doc line; readSettings() applies a table to a list of settings and reports unknown,
 * duplicate, mistyped and out-of-range options with spans.
 */
import type { ListItem, Setting, Value } from './ast.ts';
import { diag, type Diagnostic } from './diagnostics.ts';
import { OPTION_KEYS } from './keys.ts';
import type { Span } from './spans.ts';
import { closest } from './suggest.ts';

export interface ReadCx {
  diags: Diagnostic[];
  option: string;
  setting: Setting;
}

export interface Reader<T> {
  describe: string;
  /** Words the option accepts, for completion. */
  choices?: readonly string[];
  /** Returns undefined after reporting a diagnostic. */
  read(values: Value[], cx: ReadCx): T | undefined;
}

export function describeValue(v: Value | ListItem | undefined): string {
  if (!v) return 'nothing';
  switch (v.kind) {
    case 'String':
      return `the string "${v.value.length > 24 ? v.value.slice(0, 24) + '…' : v.value}"`;
    case 'Number':
      return `the number ${v.text}`;
    case 'Percent':
      return `${v.value}%`;
    case 'Duration':
      return `the duration ${v.text}`;
    case 'Bool':
      return String(v.value);
    case 'List':
      return 'a list';
    case 'Word':
      return `'${v.name.name}'`;
    case 'Ident':
      return `'${v.name}'`;
  }
}

const spanOf = (values: Value[], cx: ReadCx): Span => (values.length ? { start: values[0].span.start, end: values[values.length - 1].span.end } : cx.setting.key.span);

/** Checks the value count; reports E043 on the first extra value (with an option hint). */
function one(values: Value[], cx: ReadCx, describe: string): Value | undefined {
  if (values.length === 0) {
    cx.diags.push(diag('E032', cx.setting.key.span, { option: cx.option, expected: describe, found: 'nothing' }));
    return undefined;
  }
  if (values.length > 1) {
    extra(values[1], cx, 1);
    return undefined;
  }
  return values[0];
}

function extra(v: Value, cx: ReadCx, count: number): void {
  const word = v.kind === 'Word' ? v.name.name : null;
  const near = word ? closest(word, OPTION_KEYS) : null;
  cx.diags.push(diag('E043', v.span, { option: cx.option, count }, { help: near ? [`did you mean the option '${near}'? (options go on their own line)`] : [] }));
}

function wordName(v: Value | ListItem): string | null {
  if (v.kind === 'Word' && !v.selector && !v.options) return v.name.name;
  if (v.kind === 'Ident') return v.name;
  return null;
}

interface Range {
  min?: number;
  max?: number;
  /** min is exclusive */
  above?: number;
}

function rangeText(r: Range): string {
  if (r.above !== undefined && r.max !== undefined) return `must be > ${r.above} and ≤ ${r.max}`;
  if (r.above !== undefined) return `must be > ${r.above}`;
  if (r.min !== undefined && r.max !== undefined) return `must be between ${r.min} and ${r.max}`;
  if (r.min !== undefined) return `must be ≥ ${r.min}`;
  return `must be ≤ ${r.max}`;
}

function inRange(n: number, r: Range): boolean {
  return (r.min === undefined || n >= r.min) && (r.max === undefined || n <= r.max) && (r.above === undefined || n > r.above);
}

function numberReader(integer: boolean, r: Range): Reader<number> {
  const bounds = Object.keys(r).length ? ` (${rangeText(r).replace('must be ', '')})` : '';
  const describe = `${integer ? 'an integer' : 'a number'}${bounds}`;
  return {
    describe,
    read(values, cx) {
      const v = one(values, cx, describe);
      if (!v) return undefined;
      if (v.kind !== 'Number' || (integer && !v.integer)) {
        cx.diags.push(diag('E032', v.span, { option: cx.option, expected: describe, found: describeValue(v) }));
        return undefined;
      }
      if (!inRange(v.value, r)) {
        cx.diags.push(diag('E033', v.span, { option: cx.option, value: v.text, range: rangeText(r) }));
        return undefined;
      }
      return v.value;
    }
  };
}

export const int = (r: Range = {}) => numberReader(true, r);
export const num = (r: Range = {}) => numberReader(false, r);

/** A share: 0.1 or 10%. Returned as a fraction. */
export function ratio(r: Range = { min: 0, max: 1 }): Reader<number> {
  const describe = `a fraction (${rangeText(r).replace('must be ', '')}) or a percentage`;
  return {
    describe,
    read(values, cx) {
      const v = one(values, cx, describe);
      if (!v) return undefined;
      let x: number;
      let text: string;
      if (v.kind === 'Number') [x, text] = [v.value, v.text];
      else if (v.kind === 'Percent') [x, text] = [v.value / 100, `${v.value}%`];
      else {
        cx.diags.push(diag('E032', v.span, { option: cx.option, expected: describe, found: describeValue(v) }));
        return undefined;
      }
      if (!inRange(x, r)) {
        cx.diags.push(diag('E033', v.span, { option: cx.option, value: text, range: rangeText(r) }));
        return undefined;
      }
      return x;
    }
  };
}

/** One of a fixed set of words (or the same as a string); aliases map to canonical names. */
export function oneOf<const V extends string>(values: readonly V[], aliases: Record<string, V> = {}): Reader<V> {
  const describe = `one of ${values.join(', ')}`;
  return {
    describe,
    choices: values,
    read(vals, cx) {
      const v = one(vals, cx, describe);
      if (!v) return undefined;
      const w = wordName(v) ?? (v.kind === 'String' ? v.value : null);
      if (w === null) {
        cx.diags.push(diag('E032', v.span, { option: cx.option, expected: describe, found: describeValue(v) }));
        return undefined;
      }
      if ((values as readonly string[]).includes(w)) return w as V;
      if (aliases[w]) return aliases[w];
      cx.diags.push(diag('E039', v.span, { option: cx.option, value: w, suggestion: closest(w, [...values, ...Object.keys(aliases)]), values: [...values] }));
      return undefined;
    }
  };
}

/** `auto` or whatever `inner` reads. */
export function autoOr<T>(inner: Reader<T>): Reader<T | 'auto'> {
  const describe = `${inner.describe} or auto`;
  return {
    describe,
    choices: [...(inner.choices ?? []), 'auto'],
    read(values, cx) {
      if (values.length === 1 && wordName(values[0]) === 'auto') return 'auto';
      if (values.length === 1 && values[0].kind === 'Word') {
        cx.diags.push(diag('E032', values[0].span, { option: cx.option, expected: describe, found: describeValue(values[0]) }));
        return undefined;
      }
      return inner.read(values, { ...cx });
    }
  };
}

/** No value (= true), or true/false. */
export const flag: Reader<boolean> = {
  describe: 'nothing (on), or true/false',
  read(values, cx) {
    if (values.length === 0) return true;
    const v = one(values, cx, this.describe);
    if (!v) return undefined;
    if (v.kind === 'Bool') return v.value;
    cx.diags.push(diag('E032', v.span, { option: cx.option, expected: 'true or false', found: describeValue(v) }));
    return undefined;
  }
};

/** No value at all: a marker such as `early_stop` or `generate`. */
export const marker: Reader<true> = {
  describe: 'no value',
  read(values, cx) {
    if (values.length > 0) {
      extra(values[0], cx, 0);
      return undefined;
    }
    return true;
  }
};

export const str: Reader<string> = {
  describe: 'a string',
  read(values, cx) {
    const v = one(values, cx, this.describe);
    if (!v) return undefined;
    if (v.kind === 'String') return v.value;
    cx.diags.push(diag('E032', v.span, { option: cx.option, expected: 'a string', found: describeValue(v) }));
    return undefined;
  }
};

/** A string, or a list of strings; returned with each item's span. */
export const strList: Reader<{ value: string; span: Span }[]> = {
  describe: 'a string or a list of strings',
  read(values, cx) {
    const v = one(values, cx, this.describe);
    if (!v) return undefined;
    if (v.kind === 'String') return [{ value: v.value, span: v.span }];
    if (v.kind !== 'List') {
      cx.diags.push(diag('E032', v.span, { option: cx.option, expected: this.describe, found: describeValue(v) }));
      return undefined;
    }
    const out: { value: string; span: Span }[] = [];
    for (const item of v.items) {
      if (item.kind !== 'String') {
        cx.diags.push(diag('E028', item.span, { expected: 'strings', found: describeValue(item) }));
        return undefined;
      }
      out.push({ value: item.value, span: item.span });
    }
    return out;
  }
};

/** A name or a list of names (module names, metric names); returned with spans. */
export const nameList: Reader<{ value: string; span: Span }[]> = {
  describe: 'a name or a list of names',
  read(values, cx) {
    const v = one(values, cx, this.describe);
    if (!v) return undefined;
    const w = wordName(v);
    if (w !== null) return [{ value: w, span: v.span }];
    if (v.kind !== 'List') {
      cx.diags.push(diag('E032', v.span, { option: cx.option, expected: this.describe, found: describeValue(v) }));
      return undefined;
    }
    const out: { value: string; span: Span }[] = [];
    for (const item of v.items) {
      const n = wordName(item) ?? (item.kind === 'String' ? item.value : null);
      if (n === null) {
        cx.diags.push(diag('E028', item.span, { expected: 'names', found: describeValue(item) }));
        return undefined;
      }
      out.push({ value: n, span: item.span });
    }
    return out;
  }
};

export const duration: Reader<number> = {
  describe: 'a duration such as 30m or 2h',
  read(values, cx) {
    const v = one(values, cx, this.describe);
    if (!v) return undefined;
    if (v.kind === 'Duration') {
      if (v.ms > 0) return v.ms;
      cx.diags.push(diag('E033', v.span, { option: cx.option, value: v.text, range: 'must be > 0' }));
      return undefined;
    }
    cx.diags.push(diag('E032', v.span, { option: cx.option, expected: this.describe, found: describeValue(v) }));
    return undefined;
  }
};

/** A single name (a column, a metric); returned with its span, checked by the caller. */
export const name: Reader<{ value: string; span: Span }> = {
  describe: 'a name',
  read(values, cx) {
    const v = one(values, cx, this.describe);
    if (!v) return undefined;
    if (v.kind === 'Word' && !v.options && !v.selector) return { value: v.name.name, span: v.span };
    cx.diags.push(diag('E032', v.span, { option: cx.option, expected: 'a name', found: describeValue(v) }));
    return undefined;
  }
};

/** All values, uninterpreted: for options whose reading depends on others (base, warmup, metrics). */
export const raw: Reader<Value[]> = { describe: 'values', read: (values) => values };

// ---------------------------------------------------------------- tables
export interface OptionSpec<T = unknown> {
  reader: Reader<T>;
  doc: string;
  default?: unknown;
  /** May appear several times (each occurrence is kept, in order). */
  repeat?: boolean;
  /** Takes a `{ ... }` block. */
  block?: boolean;
  example?: string;
}

export type OptionTable = Record<string, OptionSpec<any>>;

export interface ReadOption<T> {
  value: T;
  setting: Setting;
}

export type ReadSettings<O extends OptionTable> = {
  [K in keyof O]?: O[K] extends OptionSpec<infer T> ? ReadOption<T>[] : never;
};

/** Which context each key belongs to, for "X is an option of train, not eval". */
let owners: Map<string, string[]> | undefined;
export function registerContext(context: string, table: OptionTable): void {
  owners ??= new Map();
  for (const k of Object.keys(table)) owners.set(k, [...(owners.get(k) ?? []), context]);
}

export function readSettings<O extends OptionTable>(settings: Setting[], table: O, context: string, diags: Diagnostic[]): ReadSettings<O> {
  const out: Record<string, ReadOption<unknown>[]> = {};
  for (const s of settings) {
    const key = s.key.name;
    if (!key) continue;
    const spec = table[key];
    if (!spec) {
      const elsewhere = owners?.get(key)?.filter((c) => c !== context) ?? [];
      diags.push(
        diag('E031', s.key.span, { option: key, context, suggestion: closest(key, Object.keys(table)), options: Object.keys(table) }, {
          help: elsewhere.length ? [`'${key}' is an option of ${elsewhere.join(', ')}`] : []
        })
      );
      continue;
    }
    if (out[key] && !spec.repeat) {
      diags.push(diag('E035', s.key.span, { option: key }, { related: [{ span: out[key][0].setting.key.span, message: 'first given here' }] }));
      continue;
    }
    if (s.block && !spec.block) diags.push(diag('E042', s.block.span, { option: key, reason: 'takes no { } block' }));
    const value = spec.reader.read(s.values, { diags, option: key, setting: s });
    if (value === undefined) continue;
    (out[key] ??= []).push({ value, setting: s });
  }
  return out as ReadSettings<O>;
}

/** The single value of a non-repeatable option, or its default. */
export function get<T>(read: ReadOption<T>[] | undefined, fallback: T): T {
  return read && read.length ? read[0].value : fallback;
}

export { spanOf };
