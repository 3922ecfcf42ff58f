/** Edge cases of each tokenizer, with expectations taken from the reference behaviour the fixtures README documents. */
import { describe, expect, it } from 'vitest';
import { tokenize13a } from './tok-13a.ts';
import { tokenizeZh, isSacrebleuChineseChar } from './tok-zh.ts';
import { tokenizeIntl } from './tok-intl.ts';
import { tokenizeChar, tokenizeNone } from './tok-char.ts';
import { rougeTokenizer } from './rouge-tokenizers.ts';
import { porterStem } from './porter.ts';

describe('13a', () => {
  it('keeps apostrophes, hyphens between letters and digit-grouped numbers', () => {
    expect(tokenize13a("Don't co-op: $1,299.99!")).toEqual(["Don't", 'co-op', ':', '$', '1,299.99', '!']);
  });
  it('splits a dash after a digit and a final period thanks to the padding', () => {
    expect(tokenize13a('On 2023-04-05 it was 2.0.')).toEqual(['On', '2023', '-', '04', '-', '05', 'it', 'was', '2.0', '.']);
  });
  it('handles <skipped>, hyphenated line breaks, newlines and entities', () => {
    expect(tokenize13a('a <skipped>b co-\nop x\ny &amp; &lt;z&gt; &quot;q&quot;')).toEqual(['a', 'b', 'coop', 'x', 'y', '&', '<', 'z', '>', '"', 'q', '"']);
  });
  it('leaves non-ASCII punctuation attached', () => {
    expect(tokenize13a('It’s “fine”… — ok')).toEqual(['It’s', '“fine”…', '—', 'ok']);
  });
  it('uses Python whitespace: U+0085 and U+001F split, U+FEFF and U+200B do not', () => {
    expect(tokenize13a('a\u0085b\u001fc\ufeffd\u200be')).toEqual(['a', 'b', 'c\ufeffd\u200be']);
    expect(tokenize13a('')).toEqual([]);
    expect(tokenize13a('   ')).toEqual([]);
  });
});

describe('zh', () => {
  it('splits each CJK character and full-width form', () => {
    expect(tokenizeZh('我喜欢NLP，ｌｉｋｅ这样。')).toEqual(['我', '喜', '欢', 'NLP', '，', 'ｌ', 'ｉ', 'ｋ', 'ｅ', '这', '样', '。']);
  });
  it('copies the range-table quirk: U+2001–U+2A6D is "Chinese", astral Han and U+2000 are not', () => {
    expect(isSacrebleuChineseChar(0x2019)).toBe(true); // ’
    expect(isSacrebleuChineseChar(0x20ac)).toBe(true); // €
    expect(isSacrebleuChineseChar(0x2000)).toBe(false);
    expect(isSacrebleuChineseChar(0x2a6e)).toBe(false);
    expect(isSacrebleuChineseChar(0x3042)).toBe(false); // hiragana あ is not in the table
    expect(isSacrebleuChineseChar(0x20bb7)).toBe(false); // 𠮷
    expect(tokenizeZh('it’s 𠮷a家')).toEqual(['it', '’', 's', '𠮷a', '家']);
  });
  it('applies the 13a rules without padding (a final "9." stays)', () => {
    expect(tokenizeZh('  at 9. ')).toEqual(['at', '9.']);
  });
});

describe('intl', () => {
  it('splits punctuation unless both sides are digits; symbols always', () => {
    expect(tokenizeIntl("Don't co-op 2023-04-05 $5")).toEqual(['Don', "'", 't', 'co', '-', 'op', '2023-04-05', '$', '5']);
    expect(tokenizeIntl('it was 2.0.')).toEqual(['it', 'was', '2.0.']);
    expect(tokenizeIntl('ok 👍!')).toEqual(['ok', '👍', '!']);
  });
});

describe('char and none', () => {
  it('char: one token per code point, whitespace dropped', () => {
    expect(tokenizeChar('a 😀𠮷\u3000b')).toEqual(['a', '😀', '𠮷', 'b']);
  });
  it('none: whitespace split only', () => {
    expect(tokenizeNone(' a,b  c. ')).toEqual(['a,b', 'c.']);
  });
});

describe('ROUGE tokenizers', () => {
  const plain = rougeTokenizer('default', false);
  const stem = rougeTokenizer('default', true);
  const han = rougeTokenizer('han_char', false);
  it('default drops everything outside [a-z0-9] after lower-casing', () => {
    expect(plain('Café naïve 3.14 Don’t')).toEqual(['caf', 'na', 've', '3', '14', 'don', 't']);
    expect(plain('我喜欢学习')).toEqual([]);
  });
  it('default stems only tokens longer than 3 characters', () => {
    expect(stem('The friends had a meeting; dies lies')).toEqual(['the', 'friend', 'had', 'a', 'meet', 'die', 'lie']);
    expect(stem('was')).toEqual(['was']);
  });
  it('han_char: one token per Han character, ASCII runs as default, kana/Hangul/full-width only separate', () => {
    expect(han('我用Python3写代码')).toEqual(['我', '用', 'python3', '写', '代', '码']);
    expect(han('日本語のテキスト 한국어 ｌｉｋｅ')).toEqual(['日', '本', '語']);
    expect(han('𠮷々〇')).toEqual(['𠮷', '々', '〇']);
    expect(han('Plain English, no Han.')).toEqual(plain('Plain English, no Han.'));
  });
});

describe('Porter (NLTK 3.8 extensions)', () => {
  it('uses the irregular table, leaves short words, and applies the NLTK departures', () => {
    const cases: Record<string, string> = {
      dying: 'die', skies: 'sky', news: 'news', proceed: 'proceed', ab: 'ab',
      ties: 'tie', flies: 'fli', died: 'die', spied: 'spi', happy: 'happi', enjoy: 'enjoy',
      generalli: 'gener', hopefulli: 'hope', geologi: 'geolog', caresses: 'caress', hopping: 'hop', falling: 'fall', filing: 'file'
    };
    for (const [w, s] of Object.entries(cases)) expect(porterStem(w), w).toBe(s);
  });
});
