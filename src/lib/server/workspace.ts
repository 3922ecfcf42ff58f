/** The workspace the server works on: TUNEBENCH_WORKSPACE, or the folder the server started in. */
import path from 'node:path';
import { openWorkspace, type Workspace } from '../../engine/workspace.ts';

let current: Promise<Workspace> | undefined;

export function serverWorkspace(): Promise<Workspace> {
  current ??= openWorkspace(path.resolve(process.env.TUNEBENCH_WORKSPACE ?? process.cwd()), { create: true });
  return current;
}
