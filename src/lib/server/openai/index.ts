/**
 * The server's side of the OpenAI-compatible API (src/engine/api): the services one server
 * process holds — the workspace, the job queue (training in child processes), the chat pool
 * (generation in worker threads) and the hourly retention sweep — started on first use, and
 * `v1()`, the wrapper every /v1 route uses so that any failure leaves in OpenAI's error shape.
 *
 *   export const GET = v1(async ({ params }, api) => jsonResponse(await retrieveFile(api.ws, params.id)));
 */
import type { RequestEvent } from '@sveltejs/kit';
import type { Workspace } from '../../../engine/workspace.ts';
import { ChatPool } from '../../../engine/api/chat/pool.ts';
import { errorResponse } from '../../../engine/api/http.ts';
import { OpenAIError } from '../../../engine/api/errors.ts';
import { ApiFailure, apiHandler } from '../api-error.ts';
import { JobQueue } from '../../../engine/api/jobs/queue.ts';
import type { JobContext } from '../../../engine/api/jobs/service.ts';
import { sweepExpired } from '../../../engine/api/models/retention.ts';
import { serverWorkspace } from '../workspace.ts';

export interface ApiServices {
  ws: Workspace;
  queue: JobQueue;
  pool: ChatPool;
  jobs: JobContext;
}

let services: Promise<ApiServices> | null = null;

const SWEEP_MS = 3600_000;

async function startServices(): Promise<ApiServices> {
  const ws = await serverWorkspace();
  const queue = new JobQueue(ws, { log: (m) => console.log(`tunebench: ${m}`) });
  await queue.start();
  const pool = new ChatPool();
  const sweep = () =>
    sweepExpired(ws)
      .then((gone) => gone.length && console.log(`tunebench: deleted ${gone.length} expired fine-tuned model(s): ${gone.join(', ')}`))
      .catch((e) => console.error('tunebench: retention sweep failed:', e));
  void sweep();
  setInterval(sweep, SWEEP_MS).unref();
  const stop = () => {
    queue.stop();
    void pool.close();
  };
  process.once('sveltekit:shutdown' as 'exit', stop);
  return { ws, queue, pool, jobs: { ws, notify: () => queue.notify() } };
}

/** The API's services, started once per server process. */
export function apiServices(): Promise<ApiServices> {
  services ??= startServices().catch((e) => {
    services = null;
    throw e;
  });
  return services;
}

/** Wraps a /v1 handler: services in, OpenAI-shaped errors out. */
export function v1<E extends RequestEvent>(fn: (event: E, api: ApiServices) => Response | Promise<Response>): (event: E) => Promise<Response> {
  return async (event) => {
    try {
      return await fn(event, await apiServices());
    } catch (e) {
      // Shared workbench helpers (serveFile, readJson) fail with ApiFailure: same status, OpenAI's shape.
      const err = e instanceof ApiFailure ? new OpenAIError(e.status, e.message, { code: e.code }) : e;
      return errorResponse(err, `${event.request.method} ${event.url.pathname}`);
    }
  };
}

/**
 * Wraps a workbench /api handler that calls the API engine: its OpenAIErrors become /api
 * errors ({ error: { code, message, details: { param } } }) with the same status.
 */
export function workbench<E extends RequestEvent>(fn: (event: E, api: ApiServices) => Response | Promise<Response>): (event: E) => Promise<Response> {
  return apiHandler(async (event: E) => {
    try {
      return await fn(event, await apiServices());
    } catch (e) {
      if (e instanceof OpenAIError) throw new ApiFailure(e.status, e.code ?? 'invalid_request', e.message, e.param ? { param: e.param } : undefined);
      throw e;
    }
  });
}
