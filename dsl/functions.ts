/**
 * Functions of the filter language: each with its type rule and its DuckDB SQL. Kept small on
 * purpose; anything else is one `filter sql "..."` away.
 */
import { isNumeric, type ValueType } from './types.ts';

export interface FunctionInfo {
  signature: string;
  doc: string;
  /** The result type, or a message saying what is wrong with the arguments. */
  type(args: ValueType[]): ValueType | { error: string };
  sql(args: string[], types: ValueType[]): string;
}

const arity = (n: number, args: ValueType[]) => (args.length === n ? null : { error: `takes ${n} argument${n === 1 ? '' : 's'}, found ${args.length}` });
const isStr = (t: ValueType) => t === 'string' || t === 'unknown' || t === 'null';

export const FUNCTIONS: Record<string, FunctionInfo> = {
  length: {
    signature: 'length(text or list) → integer',
    doc: 'characters in a string (Unicode code points), or items in a list such as messages',
    type: (a) => arity(1, a) ?? (isStr(a[0]) || a[0] === 'list' ? 'integer' : { error: `needs a string or a list, found ${a[0]}` }),
    sql: (a, t) => (t[0] === 'list' ? `len(${a[0]})` : `length(${a[0]})`)
  },
  lower: {
    signature: 'lower(text) → text',
    doc: 'the text in lower case',
    type: (a) => arity(1, a) ?? (isStr(a[0]) ? 'string' : { error: `needs a string, found ${a[0]}` }),
    sql: (a) => `lower(${a[0]})`
  },
  upper: {
    signature: 'upper(text) → text',
    doc: 'the text in upper case',
    type: (a) => arity(1, a) ?? (isStr(a[0]) ? 'string' : { error: `needs a string, found ${a[0]}` }),
    sql: (a) => `upper(${a[0]})`
  },
  trim: {
    signature: 'trim(text) → text',
    doc: 'the text without leading and trailing whitespace',
    type: (a) => arity(1, a) ?? (isStr(a[0]) ? 'string' : { error: `needs a string, found ${a[0]}` }),
    sql: (a) => `trim(${a[0]})`
  },
  words: {
    signature: 'words(text) → integer',
    doc: 'the number of whitespace-separated words',
    type: (a) => arity(1, a) ?? (isStr(a[0]) ? 'integer' : { error: `needs a string, found ${a[0]}` }),
    sql: (a) => `(CASE WHEN trim(${a[0]}) = '' THEN 0 ELSE len(regexp_split_to_array(trim(${a[0]}), '\\s+')) END)`
  },
  abs: {
    signature: 'abs(number) → number',
    doc: 'the absolute value',
    type: (a) => arity(1, a) ?? (isNumeric(a[0]) ? a[0] : { error: `needs a number, found ${a[0]}` }),
    sql: (a) => `abs(${a[0]})`
  },
  coalesce: {
    signature: 'coalesce(a, b, ...) → the type of a',
    doc: 'the first argument that is not null',
    type: (a) => (a.length < 2 ? { error: `takes at least 2 arguments, found ${a.length}` } : a.find((t) => t !== 'null') ?? 'null'),
    sql: (a) => `coalesce(${a.join(', ')})`
  }
};

export const FUNCTION_NAMES = Object.keys(FUNCTIONS);
