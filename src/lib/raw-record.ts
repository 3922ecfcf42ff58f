/** A record's text as it is in its source file (the row view a validation finding links to). */
export interface RawRecord {
  /** line: a JSON Lines / CSV line; json-element: a JSON array element from its first line; parquet-row: a row as JSON. */
  kind: 'line' | 'json-element' | 'parquet-row';
  /** 1-based line where it starts (Parquet: the row number). */
  line: number;
  lastLine: number;
  text: string;
  /** Cut at the size limit. */
  truncated: boolean;
}
