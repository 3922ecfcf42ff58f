/** The row view's data (src/routes/datasets/RowView.svelte), from src/lib/server/row-view.ts. */
import type { FullRow } from '$lib/dataset-rows';
import type { RawRecord } from '$lib/raw-record';
import type { Finding } from '$lib/uploads';

export interface RowViewData {
  title: string;
  /** The source file as the user knows it. */
  fileLabel: string | null;
  raw: RawRecord | null;
  /** Why there is no raw record. */
  rawNote: string | null;
  /** Validation findings on this record (uploads). */
  findings: Finding[];
  /** The conversation(s) the record became. */
  rows: FullRow[];
  dataset: { name: string; version: number } | null;
  uploadId: string | null;
  /** Whether the record's file was imported (else: only validated, or the import failed). */
  imported: boolean;
}
