import { workbench } from '$lib/server/openai';
import { exportFolder } from '../../../../../../engine/api/models/export.ts';
import { tarFolder, tarSize } from '../../../../../../engine/api/tar.ts';

/** The export as a .tar download (streamed file by file). */
export const GET = workbench(async ({ params }, api) => {
  const dir = await exportFolder(api.ws, params.id!, params.format!);
  const name = `${params.id!.replace(/[^A-Za-z0-9._-]+/g, '_')}-${params.format}`;
  return new Response(tarFolder(dir, name), {
    headers: { 'content-type': 'application/x-tar', 'content-length': String(tarSize(dir)), 'content-disposition': `attachment; filename="${name}.tar"` }
  });
});
