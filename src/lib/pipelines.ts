/** Pipelines (the workspace's pipelines/*.ftp files) as pages and /api/pipelines see them. */

export interface PipelineListItem {
  /** File name without .ftp. */
  name: string;
  /** pipelines/NAME.ftp */
  file: string;
  bytes: number;
  modified: string;
  /** From `pipeline NAME "description"`. */
  title: string | null;
  description: string | null;
  /** The comment block the file starts with. */
  comment: string | null;
}

export interface PipelineFile {
  name: string;
  file: string;
  source: string;
  /** Content hash: a save sends the one it started from, so changes on disk are not overwritten. */
  hash: string;
  modified: string;
}

export function pipelinePage(name: string): string {
  return `/pipelines/${encodeURIComponent(name)}`;
}

export function pipelineApi(name: string): string {
  return `/api/pipelines/${encodeURIComponent(name)}`;
}
