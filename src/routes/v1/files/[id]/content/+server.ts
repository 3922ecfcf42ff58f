import { v1 } from '$lib/server/openai';
import { serveFile } from '$lib/server/serve-file';
import { fileContent } from '../../../../../engine/api/files/service.ts';

/** The file's bytes as uploaded (HEAD and ranges supported). */
export const GET = v1(async ({ params, request }, api) => {
  const f = await fileContent(api.ws, params.id!);
  return serveFile(request, f.path, { contentType: 'application/octet-stream', downloadName: f.filename });
});
