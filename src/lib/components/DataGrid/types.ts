export interface GridColumn<R = Record<string, unknown>> {
  /** Property of the row shown in this column (also the column's identity). */
  key: string;
  label?: string;
  /** Starting width in px (resizable). Default 160. */
  width?: number;
  align?: 'left' | 'right';
  /** Reads the value when it is not simply row[key]. */
  value?: (row: R) => unknown;
  /** Text for the value; default: strings as is, null as ∅, objects as JSON. */
  format?: (value: unknown, row: R) => string;
}

/** Cell text for any value: what the grid shows when a column has no format. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  try {
    const s = JSON.stringify(v);
    return s.length > 500 ? `${s.slice(0, 500)}…` : s;
  } catch {
    return String(v);
  }
}
