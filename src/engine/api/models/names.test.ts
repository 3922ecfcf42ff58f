import { expect, it } from 'vitest';
import { formatFtName, modelOfCheckpoint, parseFtName } from './names.ts';

it('formats and parses fine-tuned model and checkpoint ids as OpenAI writes them', () => {
  const id = formatFtName({ base: 'tinystories-260k', org: 'tunebench', suffix: 'bank', tag: 'C9qOoYPe' });
  expect(id).toBe('ft:tinystories-260k:tunebench:bank:C9qOoYPe');
  expect(parseFtName(id)).toEqual({ base: 'tinystories-260k', org: 'tunebench', suffix: 'bank', tag: 'C9qOoYPe', step: null });
  const ck = formatFtName({ base: 'gpt2', org: 'acme', suffix: '', tag: 'abcdefgh', step: 40 });
  expect(ck).toBe('ft:gpt2:acme::abcdefgh:ckpt-step-40');
  expect(parseFtName(ck)?.step).toBe(40);
  expect(modelOfCheckpoint(ck)).toBe('ft:gpt2:acme::abcdefgh');
  const run = formatFtName({ base: 'tinystories-260k', org: 'tunebench', suffix: 'style_switch-styles', tag: '20261121-184509-06f108' });
  expect(parseFtName(run)?.tag).toBe('20261121-184509-06f108');
  for (const bad of ['tinystories-260k', 'ft:a:b', 'ft:a:b:c:d:e', 'ft:a/b:o::t', 'ft:a:o::t:ckpt-step-x']) expect(parseFtName(bad), bad).toBeNull();
});
