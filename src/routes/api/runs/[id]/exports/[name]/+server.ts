import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { exportFolder } from '$lib/server/run-exports';
import { tarFolder, tarSize } from '../../../../../../engine/api/tar.ts';

/** An export as one .tar download (streamed file by file). */
export const GET = apiHandler(async ({ params }) => {
  const id = params.id ?? '';
  const name = params.name ?? '';
  const dir = await exportFolder(await serverWorkspace(), id, name);
  const file = `${id}-${name}`;
  return new Response(tarFolder(dir, file), {
    headers: { 'content-type': 'application/x-tar', 'content-length': String(tarSize(dir)), 'content-disposition': `attachment; filename="${file}.tar"`, 'cache-control': 'no-store' }
  });
});
