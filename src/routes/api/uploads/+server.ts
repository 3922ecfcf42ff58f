import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { receiveUpload, safeUploadName, sweepUploads } from '$lib/server/uploads';
import { startUploadJob, uploadSettings } from '$lib/server/import-jobs';
import { uploadEventsUrl, uploadPage, type UploadStarted } from '$lib/uploads';

/**
 * A dataset file to import or validate: the body is the file's bytes, the query names it
 * (?filename=support.jsonl&name=support&format=&skipInvalid=1&mode=import|validate, and for a CSV /
 * Parquet file map=user=q,assistant=a,intent=label as `tunebench import --map` takes it; a map that
 * does not parse is a 400 bad_mapping). Answers 202 once the file is stored; follow the job at `events`.
 */
export const POST = apiHandler(async ({ request, url }) => {
  const ws = await serverWorkspace();
  const original = url.searchParams.get('filename') ?? '';
  const stored = safeUploadName(original);
  const settings = uploadSettings(url.searchParams, stored);
  void sweepUploads(ws).catch((e) => console.error('tunebench: sweeping old uploads failed:', e));
  const upload = await receiveUpload(ws, request, stored);
  const job = await startUploadJob(ws, upload, original.split(/[\\/]/).pop() || stored, settings);
  const body: UploadStarted = { id: job.id, events: uploadEventsUrl(job.id), page: uploadPage(job.id) };
  return json(body, { status: 202 });
});
