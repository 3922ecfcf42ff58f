import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { intFlag, numberFlag, parseFlags } from '../args.ts';
import { generate } from '../../engine/generate/generate.ts';
import { BACKEND_FLAGS, BACKEND_USAGE, backendSummary, idsFlag, loadForCli, modelDir } from './model-shared.ts';

const usage = `Usage: tunebench generate --model MODEL (--prompt TEXT | --ids 1,2,3) [options]

Generates a continuation with the KV cache. MODEL is a model folder or a known model name
(see tunebench models). --prompt is tokenized with the tokenizer's default special tokens
(e.g. a leading <s>); --ids are used as given.

  --max-tokens N       new tokens at most (default 64)
  --temperature T      0 = greedy (default 0)
  --top-p P            nucleus sampling (default 1 = off)
  --top-k K            keep the K most likely tokens (default 0 = off)
  --seed N             sampling seed (default 0)
  --stop S             stop sequence (repeatable); the text is cut before it
  --chat               treat --prompt as a user message: render it with the chat template and
                       generate the assistant's reply
  --system TEXT        system message for --chat
  --no-stop-tokens     do not stop on eos / bos ids
  --json               print {text, ids, prompt_ids, finish_reason, ...} instead of streaming text
${BACKEND_USAGE}`;

export const generateCommand: CliCommand = {
  name: 'generate',
  usage,
  async run(ctx) {
    const { values } = parseFlags(
      ctx.argv,
      {
        model: { type: 'string' },
        prompt: { type: 'string' },
        ids: { type: 'string' },
        'max-tokens': { type: 'string' },
        temperature: { type: 'string' },
        'top-p': { type: 'string' },
        'top-k': { type: 'string' },
        seed: { type: 'string' },
        stop: { type: 'string', multiple: true },
        chat: { type: 'boolean' },
        system: { type: 'string' },
        'no-stop-tokens': { type: 'boolean' },
        json: { type: 'boolean' },
        ...BACKEND_FLAGS
      },
      usage
    );
    if ((values.prompt === undefined) === (values.ids === undefined)) throw new UsageError(`give exactly one of --prompt and --ids\n\n${usage}`);
    if (values.chat && values.prompt === undefined) throw new UsageError('--chat needs --prompt');
    const maxTokens = intFlag(values['max-tokens'], 'max-tokens', 64)!;
    const temperature = numberFlag(values.temperature, 'temperature', 0)!;
    const topP = numberFlag(values['top-p'], 'top-p');
    const topK = intFlag(values['top-k'], 'top-k');
    const seed = intFlag(values.seed, 'seed', 0)!;
    const dir = await modelDir(ctx, values.model, usage);
    const { lm, backend } = await loadForCli(ctx, dir, values, { tokenizer: values.ids !== undefined ? 'optional' : 'required' });
    try {
      let promptIds: number[];
      if (values.ids !== undefined) promptIds = idsFlag(values.ids);
      else if (values.chat) {
        const messages = [...(values.system ? [{ role: 'system', content: values.system }] : []), { role: 'user', content: values.prompt! }];
        promptIds = lm.chat!.encode(messages, { addGenerationPrompt: true });
      } else promptIds = lm.tokenizer!.encode(values.prompt!);
      const bad = promptIds.find((id) => id >= lm.model.config.vocabSize);
      if (bad !== undefined) throw new UsageError(`token id ${bad} is outside the model's vocabulary (size ${lm.model.config.vocabSize})`);
      if (promptIds.length === 0) throw new UsageError('the prompt has no tokens');
      const streaming = !values.json;
      const r = await generate(lm, promptIds, {
        maxTokens,
        temperature,
        topP,
        topK,
        seed,
        stop: values.stop,
        stopTokenIds: values['no-stop-tokens'] ? [] : undefined,
        onToken: streaming && lm.tokenizer ? (e) => e.text && process.stdout.write(e.text) : undefined
      });
      if (streaming) {
        if (lm.tokenizer) process.stdout.write('\n');
        else ctx.io.out(r.ids.join(','));
        ctx.io.err(`${r.ids.length} tokens, ${r.finishReason}${r.stoppedBy !== null ? ` (${JSON.stringify(r.stoppedBy)})` : ''}, ${r.stats.tokensPerSecond.toFixed(1)} tokens/s on ${backend.backend}`);
        return 0;
      }
      ctx.io.out(
        JSON.stringify({
          text: r.text,
          ids: r.ids,
          prompt_ids: promptIds,
          finish_reason: r.finishReason,
          stopped_by: r.stoppedBy,
          model: dir,
          sampling: { temperature, top_p: topP ?? 1, top_k: topK ?? 0, seed },
          timings: { prefill_ms: round(r.stats.prefillMs), decode_ms: round(r.stats.decodeMs), tokens_per_second: round(r.stats.tokensPerSecond) },
          backend: backendSummary(backend)
        })
      );
      return 0;
    } finally {
      lm.dispose();
    }
  }
};

const round = (x: number) => Math.round(x * 100) / 100;
