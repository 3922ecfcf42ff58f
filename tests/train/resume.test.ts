/**
 * Resuming after the process is killed: a child process trains, is killed with SIGKILL once its
 * first epoch checkpoint exists, and a second child continues from that checkpoint. The result
 * must match an uninterrupted run: same final validation loss and adapter weights (the data order,
 * dropout stream and optimizer moments are restored, so it is exact up to float noise).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared, REPO_ROOT } from '../support/shared.ts';
import { initBackend } from '../../src/engine/train/backend.ts';
import { train } from '../../src/engine/train/trainer.ts';
import { readSafetensors, tensorToF32 } from '../../src/engine/model/safetensors.ts';
import { readMetrics } from '../../src/engine/train/metrics.ts';
import { resumeOptions } from './resume-options.ts';
import { removeDir, tempDir } from './helpers.ts';

const CHILD = path.join(REPO_ROOT, 'tests/train/resume-child.mts');
const dirs: string[] = [];

function adapter(dir: string): Map<string, Float32Array> {
  const st = readSafetensors(path.join(dir, 'adapter_model.safetensors'));
  return new Map([...st.entries.keys()].map((n) => [n, tensorToF32(st, n)]));
}

describeShared('resume after SIGKILL', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
  });
  afterAll(() => dirs.forEach(removeDir));

  it('continues from the last checkpoint and ends where an uninterrupted run ends', async () => {
    const whole = tempDir('whole');
    const killed = tempDir('killed');
    dirs.push(whole, killed);
    const reference = await train(resumeOptions(whole));

    // First child: killed as soon as epoch-1 is complete (the folder appears atomically).
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: REPO_ROOT, env: { ...process.env, WORK_DIR: killed }, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (fs.existsSync(path.join(killed, 'epoch-1', 'checkpoint.json'))) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('the training child ended before it could be killed'));
      });
    });
    expect(await exited).toBe('SIGKILL');
    expect(fs.existsSync(path.join(killed, 'epoch-3'))).toBe(false);

    // Second child: resumes and finishes.
    const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD], { cwd: REPO_ROOT, env: { ...process.env, WORK_DIR: killed }, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const resumed = JSON.parse(r.stdout.trim().split('\n').pop()!) as { summary: typeof reference.summary; final: string };

    expect(resumed.summary.resumed_from?.checkpoint).toMatch(/^epoch-[12]$/);
    expect(resumed.summary.steps).toBe(reference.summary.steps);
    expect(resumed.summary.epochs_completed).toBe(3);
    expect(resumed.summary.final_valid!.loss).toBeCloseTo(reference.summary.final_valid!.loss, 5);
    const a = adapter(reference.final);
    const b = adapter(resumed.final);
    let diff = 0;
    for (const [n, v] of a) v.forEach((x, i) => (diff = Math.max(diff, Math.abs(x - b.get(n)![i]))));
    expect(diff).toBeLessThan(1e-5);
    // The train_loss of every step after the resume point matches too.
    const lossesOf = (dir: string) => new Map(readMetrics(path.join(dir, 'metrics.jsonl')).filter((m) => m.train_loss !== undefined).map((m) => [m.step, m.train_loss!]));
    const ref = lossesOf(whole);
    const got = lossesOf(killed);
    for (let s = resumed.summary.resumed_from!.step + 1; s <= reference.summary.steps; s++) expect(got.get(s)).toBeCloseTo(ref.get(s)!, 5);
  });
});
