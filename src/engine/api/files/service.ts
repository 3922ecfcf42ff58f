/** The /v1/files verbs over the file store. */
import type { Workspace } from '../../workspace.ts';
import { badParam } from '../errors.ts';
import { paginate, type ListPage, type PageQuery } from '../pagination.ts';
import { deleteFileRecord, fileContentPath, listFileRecords, readFileRecord, toFileObject, type FileObject } from './store.ts';

export interface FileListQuery extends PageQuery {
  order?: 'asc' | 'desc';
  purpose?: string | null;
}

export async function listFiles(ws: Workspace, q: FileListQuery): Promise<ListPage<FileObject>> {
  if (q.order && q.order !== 'asc' && q.order !== 'desc') throw badParam('order', `order must be asc or desc (got '${q.order}')`);
  let records = await listFileRecords(ws);
  if (q.purpose) records = records.filter((r) => r.purpose === q.purpose);
  if (q.order === 'asc') records = records.reverse();
  return paginate(records.map(toFileObject), { ...q, limit: q.limit ?? 10_000 });
}

export async function retrieveFile(ws: Workspace, id: string): Promise<FileObject> {
  return toFileObject(await readFileRecord(ws, id));
}

/** The stored bytes and the name to download them as. */
export async function fileContent(ws: Workspace, id: string): Promise<{ path: string; filename: string; bytes: number }> {
  const r = await readFileRecord(ws, id);
  return { path: fileContentPath(ws, r), filename: r.filename, bytes: r.bytes };
}

/**
 * Deletes a file. Files that a job still needs (queued, running or paused: resuming re-reads
 * them) are refused: `inUse` says which job, if any.
 */
export async function deleteFile(ws: Workspace, id: string, inUse: (fileId: string) => Promise<string | null>): Promise<{ id: string; object: 'file'; deleted: true }> {
  await readFileRecord(ws, id);
  const job = await inUse(id);
  if (job) throw badParam(null, `file ${id} is used by fine-tuning job ${job}, which has not finished; cancel the job first`, 'file_in_use');
  await deleteFileRecord(ws, id);
  return { id, object: 'file', deleted: true };
}
