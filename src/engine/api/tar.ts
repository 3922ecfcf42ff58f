/**
 * A minimal ustar writer for downloads: a folder of plain files (an exported model) as one .tar
 * stream, read file by file so a 1 GB merged model never sits in memory. Enough of POSIX ustar
 * for tar, 7-Zip and Python's tarfile: regular files only, names up to 100 bytes (plus a 155-byte
 * prefix), sizes in octal (8 GB per file).
 */
import fs from 'node:fs';
import path from 'node:path';

const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** One 512-byte ustar header. */
export function tarHeader(name: string, size: number, mtimeSec: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar: name too long: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  h.write(base, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(mtimeSec, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1'); // checksum counts as spaces while it is computed
  h.write('0', 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.write('tunebench', 265, 'latin1');
  h.write('tunebench', 297, 'latin1');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

/** The files directly in `dir` (sorted), as a tar stream with entries under `root/`. */
export function tarFolder(dir: string, root: string): ReadableStream<Uint8Array> {
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  let i = 0;
  let reader: AsyncIterator<Buffer> | null = null;
  let padding = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (reader) {
          const r = await reader.next();
          if (!r.done) return controller.enqueue(r.value);
          reader = null;
          if (padding) return controller.enqueue(Buffer.alloc(padding));
          continue;
        }
        if (i >= files.length) {
          controller.enqueue(Buffer.alloc(BLOCK * 2));
          return controller.close();
        }
        const file = path.join(dir, files[i]);
        const st = fs.statSync(file);
        controller.enqueue(tarHeader(`${root}/${files[i++]}`, st.size, Math.floor(st.mtimeMs / 1000)));
        padding = (BLOCK - (st.size % BLOCK)) % BLOCK;
        reader = (fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
        return;
      }
    }
  });
}

/** The size of tarFolder's output (for Content-Length). */
export function tarSize(dir: string): number {
  let n = BLOCK * 2;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isFile()) continue;
    const size = fs.statSync(path.join(dir, e.name)).size;
    n += BLOCK + size + ((BLOCK - (size % BLOCK)) % BLOCK);
  }
  return n;
}
