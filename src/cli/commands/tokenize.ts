import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseFlags } from '../args.ts';
import { loadTokenizer } from '../../engine/model/tokenizer.ts';
import { modelDir } from './model-shared.ts';

const usage = `Usage: tunebench tokenize --model MODEL --text TEXT [--no-special] [--json]

Tokenizes TEXT with the model's tokenizer (tokenizer.json), with the tokenizer's default special
tokens (e.g. a leading <s> for Llama tokenizers) unless --no-special is given.

  --no-special         add no special tokens
  --json               print {ids, tokens, count, decoded}`;

export const tokenizeCommand: CliCommand = {
  name: 'tokenize',
  usage,
  async run(ctx) {
    const { values } = parseFlags(ctx.argv, { model: { type: 'string' }, text: { type: 'string' }, 'no-special': { type: 'boolean' }, json: { type: 'boolean' } }, usage);
    if (values.text === undefined) throw new UsageError(`--text is required\n\n${usage}`);
    const dir = await modelDir(ctx, values.model, usage);
    const tok = loadTokenizer(dir);
    const { ids, tokens } = tok.encodeWithTokens(values.text, { addSpecialTokens: !values['no-special'] });
    const decoded = tok.decode(ids, { skipSpecialTokens: true });
    if (values.json) {
      ctx.io.out(JSON.stringify({ ids, tokens, count: ids.length, decoded }));
      return 0;
    }
    ctx.io.out(`${ids.length} tokens`);
    ctx.io.out(ids.map((id, i) => `${id}:${JSON.stringify(tokens[i])}`).join(' '));
    return 0;
  }
};
