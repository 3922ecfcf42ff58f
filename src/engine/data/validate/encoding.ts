/**
 * Text encoding checks. tunebench reads UTF-8 only; these functions recognise what else a file
 * might be (UTF-16, GBK/GB18030, Latin-1/Windows-1252) so the report can name it instead of
 * silently decoding to U+FFFD.
 */
import { isUtf8 } from 'node:buffer';

export type FileEncodingVerdict =
  | { kind: 'utf8'; bom: boolean }
  | { kind: 'utf16'; endian: 'le' | 'be'; bom: boolean }
  | { kind: 'gbk' }
  | { kind: 'latin1' };

const CJK = /[\u3400-\u9fff]/;

/**
 * Looks at the start of a file (a sample of up to ~1 MB, cut at a line end by the caller) and
 * says whether the whole file is in another encoding. Line-level problems in an otherwise UTF-8
 * file are left to lineEncodingIssue().
 */
export function sniffFileEncoding(head: Uint8Array): FileEncodingVerdict {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { kind: 'utf16', endian: 'le', bom: true };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { kind: 'utf16', endian: 'be', bom: true };
  const bom = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  // UTF-16 without a BOM: ASCII text with a NUL in every other byte.
  const probe = head.subarray(0, Math.min(head.length, 1024));
  if (probe.length >= 8) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < probe.length; i++) if (probe[i] === 0) (i % 2 === 0 ? evenNul++ : oddNul++);
    const half = probe.length / 2;
    if (oddNul > half * 0.6) return { kind: 'utf16', endian: 'le', bom: false };
    if (evenNul > half * 0.6) return { kind: 'utf16', endian: 'be', bom: false };
  }
  if (isUtf8(head)) return { kind: 'utf8', bom };
  // Count lines with invalid UTF-8 against lines with valid non-ASCII text.
  let bad = 0;
  let badLatin = 0;
  let goodNonAscii = 0;
  let start = 0;
  for (let i = 0; i <= head.length; i++) {
    if (i === head.length || head[i] === 0x0a) {
      const line = head.subarray(start, i);
      start = i + 1;
      if (line.length === 0) continue;
      if (!isUtf8(line)) {
        bad++;
        if (lineEncodingIssue(line).code === 'encoding_latin1') badLatin++;
      }
      else if (line.some((b) => b >= 0x80)) goodNonAscii++;
    }
  }
  if (bad > 0 && goodNonAscii === 0) {
    const gbk = tryDecode('gb18030', head);
    if (gbk !== null && CJK.test(gbk)) return { kind: 'gbk' };
    // Legacy single-byte text: several bad lines, all of them Latin-1-looking, and no valid UTF-8.
    if (bad >= 3 && badLatin === bad) return { kind: 'latin1' };
  }
  return { kind: 'utf8', bom };
}

function tryDecode(label: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Byte offset of the first invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) (n = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (n = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (n = 3), (min = 0x10000);
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

// Windows-1252 bytes that decode to accented Latin letters (À–þ without × ÷ ÿ): a lone such byte
// between ASCII characters is the signature of a Latin-1 file, not of random corruption.
function isLatinLetterByte(c: number): boolean {
  return c >= 0xc0 && c <= 0xfe && c !== 0xd7 && c !== 0xf7;
}

export interface LineEncodingIssue {
  code: 'invalid_utf8' | 'encoding_latin1' | 'encoding_gbk';
  /** Byte offset of the first bad byte in the line. */
  offset: number;
  message: string;
  hint: string;
}

/** Explains why a line is not UTF-8, naming a likely encoding when the bytes fit one. */
export function lineEncodingIssue(line: Uint8Array): LineEncodingIssue {
  const offset = Math.max(0, firstInvalidUtf8(line));
  const hex = Array.from(line.subarray(offset, offset + 3), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
  // Walk the line: count valid multi-byte sequences and check whether every invalid byte is a
  // lone Latin letter byte (→ Latin-1 / Windows-1252).
  let latin = true;
  let invalid = 0;
  let validMulti = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c < 0x80) continue;
    if (firstInvalidUtf8(line.subarray(i, Math.min(line.length, i + 4))) !== 0) {
      validMulti++;
      i += (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) - 1;
      continue;
    }
    invalid++;
    if (!isLatinLetterByte(c) || (line[i + 1] ?? 0) >= 0x80) latin = false;
  }
  if (latin && invalid > 0) {
    const text = new TextDecoder('windows-1252').decode(line.subarray(Math.max(0, offset - 12), offset + 12));
    return {
      code: 'encoding_latin1',
      offset,
      message: `not UTF-8: byte ${hex.slice(0, 2)} looks like Latin-1/Windows-1252 text ('…${text}…')`,
      hint: 'save the file as UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8 in > out)'
    };
  }
  // Mostly valid UTF-8 with one broken character is corruption, not another encoding.
  const gbk = validMulti < invalid ? tryDecode('gb18030', line) : null;
  // A GBK line of real text has several CJK characters; one stray pair of bytes can be anything.
  if (gbk !== null && (gbk.match(/[\u3400-\u9fff]/g)?.length ?? 0) >= 3) {
    return {
      code: 'encoding_gbk',
      offset,
      message: `not UTF-8: the line decodes as GBK/GB18030 Chinese text`,
      hint: 'save the file as UTF-8 (e.g. iconv -f GB18030 -t UTF-8 in > out)'
    };
  }
  return {
    code: 'invalid_utf8',
    offset,
    message: `invalid UTF-8 (bytes ${hex})`,
    hint: 'the file must be UTF-8; the line holds bytes that are not valid UTF-8 (a truncated character or corrupted data)'
  };
}

export function fileEncodingMessage(v: FileEncodingVerdict): { code: string; message: string; hint: string } | null {
  switch (v.kind) {
    case 'utf16':
      return {
        code: 'encoding_utf16',
        message: `the file is UTF-16 ${v.endian.toUpperCase()}${v.bom ? ' (with a byte order mark)' : ''}, not UTF-8`,
        hint: `save it as UTF-8 (e.g. iconv -f UTF-16${v.endian.toUpperCase()} -t UTF-8 in > out, or "UTF-8" in your editor's Save As)`
      };
    case 'gbk':
      return {
        code: 'encoding_gbk',
        message: 'the file is GBK/GB18030-encoded Chinese text, not UTF-8',
        hint: 'convert it to UTF-8 first: iconv -f GB18030 -t UTF-8 in > out'
      };
    case 'latin1':
      return {
        code: 'encoding_latin1',
        message: 'the file looks like Latin-1/Windows-1252 text, not UTF-8',
        hint: 'convert it to UTF-8 first: iconv -f WINDOWS-1252 -t UTF-8 in > out'
      };
    default:
      return null;
  }
}
