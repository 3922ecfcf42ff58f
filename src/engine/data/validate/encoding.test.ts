import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8, lineEncodingIssue, sniffFileEncoding } from './encoding.ts';

const utf16le = (s: string) => Buffer.from('\ufeff' + s, 'utf16le');

describe('sniffFileEncoding', () => {
  it('recognises UTF-8 with and without BOM, UTF-16 with and without BOM', () => {
    expect(sniffFileEncoding(Buffer.from('{"a":"é"}\n'))).toEqual({ kind: 'utf8', bom: false });
    expect(sniffFileEncoding(Buffer.from('\ufeff{"a":1}\n'))).toEqual({ kind: 'utf8', bom: true });
    expect(sniffFileEncoding(utf16le('{"messages": []}\n'))).toMatchObject({ kind: 'utf16', endian: 'le', bom: true });
    expect(sniffFileEncoding(Buffer.from('{"messages": [1, 2, 3]}\n', 'utf16le'))).toMatchObject({ kind: 'utf16', endian: 'le', bom: false });
  });

  it('recognises GBK text and whole-file Latin-1', () => {
    const gbk = new Uint8Array([0xc4, 0xe3, 0xba, 0xc3, 0xa3, 0xac, 0xca, 0xc0, 0xbd, 0xe7, 0x0a]); // 你好，世界
    expect(sniffFileEncoding(Buffer.concat([Buffer.from('{"c":"'), gbk]))).toEqual({ kind: 'gbk' });
    const latin = Buffer.from('{"c":"caf\xe9"}\n{"c":"M\xfcnchen"}\n{"c":"na\xefve"}\n', 'latin1');
    expect(sniffFileEncoding(latin)).toEqual({ kind: 'latin1' });
  });
});

describe('lineEncodingIssue', () => {
  it('names Latin-1 bytes, GBK lines and plain corruption', () => {
    expect(lineEncodingIssue(Buffer.from('a caf\xe9 in M\xfcnchen', 'latin1'))).toMatchObject({ code: 'encoding_latin1', offset: 5 });
    expect(lineEncodingIssue(Buffer.from([0x61, 0xff, 0x62]))).toMatchObject({ code: 'invalid_utf8', offset: 1 });
    // A CJK character cut to two bytes inside UTF-8 Chinese text is corruption, not GBK.
    const cut = Buffer.concat([Buffer.from('高血压'), Buffer.from([0xe8, 0xa1]), Buffer.from('该治疗什么')]);
    expect(lineEncodingIssue(cut).code).toBe('invalid_utf8');
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0xaf]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from('ok 🎉'))).toBe(-1);
  });
});
