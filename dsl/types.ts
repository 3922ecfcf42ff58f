/**
 * Value types of the filter language, and how DuckDB column types map onto them.
 * `unknown` is the type of anything already reported as an error: it is compatible with
 * everything, so one mistake gives one diagnostic.
 */
export type ValueType = 'string' | 'integer' | 'float' | 'boolean' | 'list' | 'struct' | 'temporal' | 'null' | 'other' | 'unknown';

export function typeOfDuck(duckType: string): ValueType {
  const t = duckType.trim().toUpperCase();
  if (t.endsWith(']')) return 'list';
  if (t.startsWith('STRUCT') || t.startsWith('MAP') || t.startsWith('UNION')) return 'struct';
  if (/^(VARCHAR|TEXT|STRING|CHAR|BPCHAR|UUID|JSON|ENUM)/.test(t)) return 'string';
  if (/^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT\d)/.test(t)) return 'integer';
  if (/^(FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC)/.test(t)) return 'float';
  if (/^(BOOLEAN|BOOL)/.test(t)) return 'boolean';
  if (/^(DATE|TIME|TIMESTAMP|INTERVAL)/.test(t)) return 'temporal';
  return 'other';
}

export function isNumeric(t: ValueType): boolean {
  return t === 'integer' || t === 'float' || t === 'unknown' || t === 'null';
}

/** "a string", "a number", ... for messages. */
export function describeType(t: ValueType): string {
  switch (t) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'an integer';
    case 'float':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'list':
      return 'a list';
    case 'struct':
      return 'a struct';
    case 'temporal':
      return 'a date/time';
    case 'null':
      return 'null';
    default:
      return 'a value of unknown type';
  }
}

/** Can values of these types be compared with = < etc.? */
export function comparable(a: ValueType, b: ValueType): boolean {
  if (a === 'unknown' || b === 'unknown' || a === 'null' || b === 'null') return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  return a === b && a !== 'list' && a !== 'struct' && a !== 'other';
}
