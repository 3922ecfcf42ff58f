import * as tf from '@tensorflow/tfjs-core';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { intFlag, parseFlags } from '../args.ts';
import { headCrossEntropy, nextTokenTargets } from '../../engine/model/loss.ts';
import { BACKEND_FLAGS, BACKEND_USAGE, backendSummary, idsFlag, loadForCli, modelDir } from './model-shared.ts';

const usage = `Usage: tunebench logits --model MODEL (--ids 1,2,3 | --text TEXT) [--top N] [--json]

Runs the model over the sequence and prints the mean next-token loss (natural log, over the
len-1 predictions inside the sequence; what HF's model(ids, labels=ids).loss gives) and the raw
logits of the final position (the prediction of the token that would follow).

  --ids LIST           token ids, comma-separated (used as given)
  --text TEXT          text, tokenized with the tokenizer's default special tokens
  --top N              also list the N most likely next tokens (default 5)
  --json               print {ids, loss, logits, argmax, top, ...}
${BACKEND_USAGE}`;

export const logitsCommand: CliCommand = {
  name: 'logits',
  usage,
  async run(ctx) {
    const { values } = parseFlags(ctx.argv, { model: { type: 'string' }, ids: { type: 'string' }, text: { type: 'string' }, top: { type: 'string' }, json: { type: 'boolean' }, ...BACKEND_FLAGS }, usage);
    if ((values.ids === undefined) === (values.text === undefined)) throw new UsageError(`give exactly one of --ids and --text\n\n${usage}`);
    const topN = intFlag(values.top, 'top', 5)!;
    const dir = await modelDir(ctx, values.model, usage);
    const { lm, backend } = await loadForCli(ctx, dir, values, { tokenizer: values.ids !== undefined ? 'optional' : 'required' });
    try {
      const ids = values.ids !== undefined ? idsFlag(values.ids) : lm.tokenizer!.encode(values.text!);
      const v = lm.model.config.vocabSize;
      const bad = ids.find((id) => id >= v);
      if (bad !== undefined) throw new UsageError(`token id ${bad} is outside the model's vocabulary (size ${v})`);
      if (ids.length === 0) throw new UsageError('the sequence has no tokens');
      if (ids.length > lm.model.config.maxPositions) throw new UsageError(`${ids.length} tokens exceed the model's ${lm.model.config.maxPositions} positions`);
      const out: { loss: number | null; logits: number[] } = { loss: null, logits: [] };
      tf.tidy(() => {
        const hidden = lm.model.hidden(tf.tensor2d([ids], [1, ids.length], 'int32'));
        const { targets, weights } = nextTokenTargets([ids]);
        if (ids.length > 1) out.loss = headCrossEntropy(lm.model, hidden, targets, weights).dataSync()[0];
        out.logits = Array.from(lm.model.logits(tf.gather(hidden, tf.tensor1d([ids.length - 1], 'int32')) as tf.Tensor2D).dataSync());
      });
      const { loss, logits } = out;
      const order = logits.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      const top = order.slice(0, topN).map(([logit, id]) => ({ id, logit, token: lm.tokenizer?.idToToken(id) ?? null }));
      if (values.json) {
        ctx.io.out(JSON.stringify({ ids, num_tokens: ids.length, loss, logits, argmax: order[0][1], top, model: dir, backend: backendSummary(backend) }));
        return 0;
      }
      ctx.io.out(`tokens: ${ids.length}`);
      ctx.io.out(`loss: ${loss === null ? 'n/a (one token)' : loss.toFixed(6)}`);
      ctx.io.out(`next token (top ${top.length}):`);
      for (const t of top) ctx.io.out(`  ${String(t.id).padStart(6)}  ${t.logit.toFixed(4).padStart(10)}  ${t.token === null ? '' : JSON.stringify(t.token)}`);
      return 0;
    } finally {
      lm.dispose();
    }
  }
};
