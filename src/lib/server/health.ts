/**
 * What /api/health reports: versions, the workspace, and which engines are installed. It only
 * resolves packages, never loads native ones, so it stays fast enough to poll for readiness.
 */
import { createRequire } from 'node:module';
import pkg from '../../../package.json';
import { ENGINE_VERSION } from '../../engine/version.ts';
import type { HealthInfo } from '$lib/api/types';
import { serverWorkspace } from './workspace.ts';

const require = createRequire(import.meta.url);

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

export async function health(): Promise<HealthInfo> {
  const ws = await serverWorkspace();
  return {
    name: 'tunebench',
    version: pkg.version,
    engine_version: ENGINE_VERSION,
    node: process.versions.node,
    workspace: ws.root,
    backends: {
      duckdb: installed('@duckdb/node-api'),
      tfjs: {
        tensorflow: installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node'),
        wasm: installed('@tensorflow/tfjs-backend-wasm'),
        cpu: installed('@tensorflow/tfjs-backend-cpu')
      }
    }
  };
}
