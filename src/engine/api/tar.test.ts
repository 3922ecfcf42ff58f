import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { tarFolder, tarSize } from './tar.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tunebench-tar-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('writes a folder as a tar that tar itself extracts to the same bytes', async () => {
  const src = path.join(root, 'src');
  fs.mkdirSync(src);
  const files: Record<string, Buffer> = { 'config.json': Buffer.from('{"a":1}\n'), 'model.safetensors': Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256)), 'empty.txt': Buffer.alloc(0), 'block.bin': Buffer.alloc(512, 7) };
  for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(src, n), b);
  const out = Buffer.from(await new Response(tarFolder(src, 'my-model')).arrayBuffer());
  expect(out.length).toBe(tarSize(src));
  const tarFile = path.join(root, 'x.tar');
  fs.writeFileSync(tarFile, out);
  const dest = path.join(root, 'dest');
  fs.mkdirSync(dest);
  execFileSync('tar', ['-xf', tarFile, '-C', dest]);
  expect(fs.readdirSync(path.join(dest, 'my-model')).sort()).toEqual(Object.keys(files).sort());
  for (const [n, b] of Object.entries(files)) expect(fs.readFileSync(path.join(dest, 'my-model', n)).equals(b), n).toBe(true);
});
