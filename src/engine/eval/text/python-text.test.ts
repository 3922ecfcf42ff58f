import { describe, expect, it } from 'vitest';
import { codePointsOf, pyLen, pyRemoveWhitespace, pyRound, pyRstrip, pySplit, pyStrip } from './python-text.ts';

describe('Python string semantics', () => {
  it('split/strip use str.isspace(), not JavaScript \\s', () => {
    const s = '\u3000a\u00a0b\u0085c\u001cd\u2028e\ufefff\u200bg ';
    expect(pySplit(s)).toEqual(['a', 'b', 'c', 'd', 'e\ufefff\u200bg']);
    expect(pyStrip(' \u0085x\u3000')).toBe('x');
    expect(pyRstrip('\ufeffx\ufeff')).toBe('\ufeffx\ufeff');
    expect(pyRemoveWhitespace(' a b\tc\n')).toBe('abc');
    expect(pySplit('')).toEqual([]);
  });
  it('counts code points, not UTF-16 units', () => {
    expect(pyLen('a😀𠮷')).toBe(3);
    expect(codePointsOf('a😀')).toEqual([0x61, 0x1f600]);
  });
  it('round() rounds exact binary ties to even and everything else to nearest', () => {
    expect(pyRound(0.125, 2)).toBe(0.12); // exact tie → even
    expect(pyRound(0.375, 2)).toBe(0.38);
    expect(pyRound(2.5, 0)).toBe(2);
    expect(pyRound(3.5, 0)).toBe(4);
    expect(pyRound(50.03125, 4)).toBe(50.0312);
    expect(pyRound(2.675, 2)).toBe(2.67); // 2.675 is 2.67499999… in binary
    expect(pyRound(-0.125, 2)).toBe(-0.12);
    expect(pyRound(12.34567, 4)).toBe(12.3457);
  });
});
