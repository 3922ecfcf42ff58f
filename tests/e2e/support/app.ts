/**
 * The built workbench for browser and HTTP tests: builds it if sources changed (shared logic with
 * `npm start`), copies build/ (as hard links) so a rebuild by a parallel test file cannot swap
 * files under a running server, starts `node index.js` on a free port with a fresh temporary
 * workspace, waits for /api/health, and stops it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildIfNeeded, repoRoot } from '../../../scripts/build-if-needed.js';

export interface RunningApp {
  url: string;
  workspace: string;
  /** Server output so far, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export const RESULTS_DIR = path.join(repoRoot, 'test-results');

function linkTree(from: string, to: string) {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, e.name);
    const b = path.join(to, e.name);
    if (e.isDirectory()) linkTree(a, b);
    else {
      try {
        fs.linkSync(a, b);
      } catch {
        fs.copyFileSync(a, b);
      }
    }
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function tempWorkspace(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tunebench-e2e-'));
}

export async function startApp(opts: { workspace?: string; env?: Record<string, string> } = {}): Promise<RunningApp> {
  // Inside the repository, so the server's bare imports resolve from its node_modules.
  const snapshot = path.join(RESULTS_DIR, `.app-${process.pid}-${Date.now().toString(36)}`);
  await buildIfNeeded({ quiet: true, whileLocked: () => linkTree(path.join(repoRoot, 'build'), snapshot) });

  const workspace = opts.workspace ?? tempWorkspace();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [path.join(snapshot, 'index.js')], {
    cwd: repoRoot,
    // BODY_SIZE_LIMIT as `npm start` sets it (scripts/start.js): uploads have their own limit.
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ORIGIN: url, TUNEBENCH_WORKSPACE: workspace, BODY_SIZE_LIMIT: '1G', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // If this process dies without stop() (a crash, a killed worker), take the server with it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);

  const stop = async () => {
    process.off('exit', orphanGuard);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(snapshot, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the app exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      // A server started with TUNEBENCH_API_KEY answers only requests that carry it.
      const key = opts.env?.TUNEBENCH_API_KEY;
      const r = await fetch(`${url}/api/health`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the app did not answer /api/health within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, workspace, logs: () => output, stop };
}
