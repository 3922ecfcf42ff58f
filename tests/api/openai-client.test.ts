/**
 * The test of record for the OpenAI-compatible API: the official `openai` npm client (v6),
 * pointed at the built server, does what a user of OpenAI's fine-tuning API does — upload a real
 * dataset file, fine-tune tinystories-260k, poll until the job succeeds, read its events and
 * checkpoints, chat with the fine-tuned model (plain and streaming) and a checkpoint, pause,
 * resume and cancel jobs — and every error case arrives as the client's typed error with the
 * right status, code and param.
 */
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningApp } from '../e2e/support/app.ts';
import { describeShared } from '../support/shared.ts';
import { BASE_MODEL, datasetSlice, startApiServer, waitFor } from './helpers.ts';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

describeShared('the OpenAI-compatible API, driven by the official openai client', () => {
  let app: RunningApp;
  let client: OpenAI;
  let trainFile: string;
  let fileId: string;
  let job: OpenAI.FineTuning.FineTuningJob;

  beforeAll(async () => {
    ({ app, client } = await startApiServer());
    trainFile = datasetSlice('banking77.chat.jsonl', 40);
  }, 300_000);

  afterAll(async () => {
    await app?.stop();
  });

  const settle = (id: string) => waitFor(`job ${id} to finish`, async () => {
    const j = await client.fineTuning.jobs.retrieve(id);
    return TERMINAL.has(j.status) ? j : null;
  });

  it('uploads a dataset file, validates it, lists and returns it', async () => {
    const file = await client.files.create({ file: fs.createReadStream(trainFile), purpose: 'fine-tune' });
    expect(file.id).toMatch(/^file-[A-Za-z0-9]{24}$/);
    expect(file.status).toBe('processed');
    expect(file.bytes).toBe(fs.statSync(trainFile).size);
    expect(file.filename).toBe(path.basename(trainFile));
    fileId = file.id;
    const listed = await client.files.list();
    expect(listed.data.map((f) => f.id)).toContain(fileId);
    expect((await client.files.retrieve(fileId)).purpose).toBe('fine-tune');
    const content = await client.files.content(fileId);
    expect(Buffer.from(await content.arrayBuffer()).equals(fs.readFileSync(trainFile))).toBe(true);
  });

  it('fine-tunes tinystories-260k until the job succeeds', async () => {
    job = await client.fineTuning.jobs.create({
      model: BASE_MODEL,
      training_file: fileId,
      suffix: 'bank',
      seed: 7,
      metadata: { team: 'support', ticket: 'T-1' },
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 1, batch_size: 8, learning_rate_multiplier: 'auto' } } }
    });
    expect(job.object).toBe('fine_tuning.job');
    expect(job.id).toMatch(/^ftjob-/);
    expect(['queued', 'validating_files', 'running']).toContain(job.status);
    expect(job.fine_tuned_model).toBeNull();
    job = await settle(job.id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.fine_tuned_model).toMatch(/^ft:tinystories-260k:tunebench:bank:[A-Za-z0-9]{8}$/);
    expect(job.trained_tokens).toBeGreaterThan(0);
    expect(job.hyperparameters.n_epochs).toBe(1);
    expect(typeof job.hyperparameters.learning_rate_multiplier).toBe('number'); // "auto" resolved
    expect(job.finished_at).toBeGreaterThanOrEqual(job.created_at);
  }, 180_000);

  it('saved the job as a .ftp pipeline with its run', async () => {
    const runs = (job as unknown as { runs: string[] }).runs;
    expect(runs.length).toBe(1);
    const source = fs.readFileSync(path.join(app.workspace, '.tunebench', 'runs', runs[0], 'pipeline.ftp'), 'utf8');
    expect(source).toContain(`pipeline ftjob_`);
    expect(source).toContain(`base "${BASE_MODEL}"`);
    expect(source).toContain('epochs 1 batch_size 8 learning_rate_multiplier auto');
    expect(source).toContain('seed 7');
  });

  it('lists the events newest first, with metrics events, page by page', async () => {
    const events: OpenAI.FineTuning.FineTuningJobEvent[] = [];
    for await (const e of client.fineTuning.jobs.listEvents(job.id, { limit: 3 })) events.push(e);
    expect(events.length).toBeGreaterThan(6);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length); // pages do not overlap
    for (let i = 1; i < events.length; i++) expect(events[i - 1].created_at).toBeGreaterThanOrEqual(events[i].created_at);
    const metrics = events.filter((e) => e.type === 'metrics');
    expect(metrics.length).toBeGreaterThanOrEqual(5); // 40 examples / batch 8 = 5 steps
    const data = metrics[0].data as { step: number; train_loss: number; total_steps: number };
    expect(data.step).toBe(data.total_steps);
    expect(Number.isFinite(data.train_loss)).toBe(true);
    expect(events.some((e) => /Created fine-tuning job/.test(e.message))).toBe(true);
    const page = await client.fineTuning.jobs.listEvents(job.id, { limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.has_more).toBe(true);
  });

  it('lists checkpoints with metrics and usable model ids', async () => {
    const page = await client.fineTuning.jobs.checkpoints.list(job.id);
    expect(page.data.length).toBeGreaterThan(0);
    const c = page.data[0];
    expect(c.object).toBe('fine_tuning.job.checkpoint');
    expect(c.fine_tuning_job_id).toBe(job.id);
    expect(c.fine_tuned_model_checkpoint).toBe(`${job.fine_tuned_model}:ckpt-step-${c.step_number}`);
    expect(Number.isFinite(c.metrics.train_loss)).toBe(true);
    expect(c.metrics.step).toBe(c.step_number);
  });

  it('filters jobs by metadata', async () => {
    const hit = await client.fineTuning.jobs.list({ metadata: { team: 'support' } });
    expect(hit.data.map((j) => j.id)).toContain(job.id);
    const miss = await client.fineTuning.jobs.list({ metadata: { team: 'billing' } });
    expect(miss.data.map((j) => j.id)).not.toContain(job.id);
  });

  it('lists and retrieves base and fine-tuned models', async () => {
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toContain(BASE_MODEL);
    expect(ids).toContain(job.fine_tuned_model);
    const m = await client.models.retrieve(job.fine_tuned_model!);
    expect(m.object).toBe('model');
    expect(m.id).toBe(job.fine_tuned_model);
  });

  it('chats with the fine-tuned model, plainly and streaming, with usage counts', async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'system', content: 'Classify the banking query into a Banking77 intent. Reply with the label only.' }, { role: 'user', content: 'My card has not arrived yet' }];
    const plain = await client.chat.completions.create({ model: job.fine_tuned_model!, messages, max_tokens: 16, temperature: 0 });
    expect(plain.object).toBe('chat.completion');
    const text = plain.choices[0].message.content!;
    expect(typeof text).toBe('string');
    expect(plain.usage!.completion_tokens).toBeGreaterThan(0);
    expect(plain.usage!.completion_tokens).toBeLessThanOrEqual(16);
    expect(plain.usage!.total_tokens).toBe(plain.usage!.prompt_tokens + plain.usage!.completion_tokens);

    const stream = await client.chat.completions.create({ model: job.fine_tuned_model!, messages, max_tokens: 16, temperature: 0, stream: true, stream_options: { include_usage: true } });
    let streamed = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.object).toBe('chat.completion.chunk');
      for (const c of chunk.choices) {
        streamed += c.delta.content ?? '';
        finish = c.finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(streamed).toBe(text); // greedy: the stream is the same answer, token by token
    expect(finish).toBe(plain.choices[0].finish_reason);
    expect(usage).toEqual(plain.usage);
  });

  it('stops at a stop sequence, samples n choices with a seed, and serves checkpoints', async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Once upon a time' }];
    const free = await client.chat.completions.create({ model: BASE_MODEL, messages, max_tokens: 24, temperature: 0 });
    const text = free.choices[0].message.content!;
    const stop = text.slice(8, 11);
    expect(stop.length).toBe(3);
    const stopped = await client.chat.completions.create({ model: BASE_MODEL, messages, max_tokens: 24, temperature: 0, stop: [stop] });
    expect(stopped.choices[0].message.content).toBe(text.slice(0, text.indexOf(stop)));
    expect(stopped.choices[0].finish_reason).toBe('stop');

    const a = await client.chat.completions.create({ model: BASE_MODEL, messages, max_completion_tokens: 12, temperature: 1, top_p: 0.9, seed: 42, n: 2 });
    const b = await client.chat.completions.create({ model: BASE_MODEL, messages, max_completion_tokens: 12, temperature: 1, top_p: 0.9, seed: 42, n: 2 });
    expect(a.choices).toHaveLength(2);
    expect(a.choices.map((c) => c.message.content)).toEqual(b.choices.map((c) => c.message.content));

    const ckpt = (await client.fineTuning.jobs.checkpoints.list(job.id)).data[0].fine_tuned_model_checkpoint;
    const r = await client.chat.completions.create({ model: ckpt, messages, max_tokens: 4, temperature: 0 });
    expect(r.model).toBe(ckpt);
    expect(r.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('pauses a running job with a checkpoint and resumes it from there', async () => {
    const long = await client.fineTuning.jobs.create({ model: BASE_MODEL, training_file: fileId, seed: 11, hyperparameters: { n_epochs: 12, batch_size: 1 } });
    await waitFor('the job to train', async () => (await client.fineTuning.jobs.retrieve(long.id)).status === 'running', 60_000, 200);
    await waitFor('the first metrics', async () => (await client.fineTuning.jobs.listEvents(long.id, { limit: 1 })).data[0]?.type === 'metrics', 60_000, 200);
    const pausing = await client.fineTuning.jobs.pause(long.id);
    expect(['pausing', 'paused']).toContain(pausing.status);
    await waitFor('the job to pause', async () => ((await client.fineTuning.jobs.retrieve(long.id)).status as string) === 'paused', 60_000, 200);
    const ckpts = (await client.fineTuning.jobs.checkpoints.list(long.id)).data;
    const pausedAt = ckpts[0].step_number; // newest first: the step checkpoint written by the pause
    expect(pausedAt).toBeGreaterThan(0);
    expect(pausedAt).toBeLessThan(12 * 40);
    const resumed = await client.fineTuning.jobs.resume(long.id);
    expect(resumed.status).toBe('queued');
    await waitFor('the resumed run to train', async () => {
      const events = (await client.fineTuning.jobs.listEvents(long.id, { limit: 100 })).data;
      return events.some((e) => e.message.includes(`resuming from checkpoint step-${pausedAt}`));
    }, 60_000, 300);
    const cancelled = await client.fineTuning.jobs.cancel(long.id);
    expect(cancelled.status).toBe('cancelled');
    expect((cancelled as unknown as { runs: string[] }).runs).toHaveLength(2);
  }, 180_000);

  it('cancels another job: it stops and stays cancelled', async () => {
    const other = await client.fineTuning.jobs.create({ model: BASE_MODEL, training_file: fileId, seed: 12, hyperparameters: { n_epochs: 12, batch_size: 1 } });
    await waitFor('the job to start', async () => ['running', 'validating_files'].includes((await client.fineTuning.jobs.retrieve(other.id)).status), 60_000, 200);
    const c = await client.fineTuning.jobs.cancel(other.id);
    expect(c.status).toBe('cancelled');
    const runId = (c as unknown as { runs: string[] }).runs[0];
    const statusFile = path.join(app.workspace, '.tunebench', 'runs', runId, 'status.json');
    await waitFor('the run to stop', async () => JSON.parse(fs.readFileSync(statusFile, 'utf8')).status === 'cancelled', 60_000, 200);
    const again = await client.fineTuning.jobs.retrieve(other.id);
    expect(again.status).toBe('cancelled');
    expect(again.fine_tuned_model).toBeNull();
    const err = await client.fineTuning.jobs.cancel(other.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  }, 120_000);

  it('reports a malformed file as status error with its findings, and refuses jobs on it', async () => {
    const bad = path.join(path.dirname(trainFile), 'broken.jsonl');
    fs.writeFileSync(bad, '{"messages": [{"role": "user", "content": "hi"}]}\n{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\nnot json\n');
    const f = await client.files.create({ file: fs.createReadStream(bad), purpose: 'fine-tune' });
    expect(f.status).toBe('error');
    expect(f.status_details).toMatch(/line 1 .*example_missing_assistant_message/);
    expect(f.status_details).toMatch(/line 3: .*json_syntax/);
    const findings = (f as unknown as { validation: { findings: { line: number; code: string }[] } }).validation.findings;
    expect(findings.map((x) => [x.line, x.code])).toEqual(expect.arrayContaining([[1, 'example_missing_assistant_message'], [3, 'json_syntax']]));
    // A big file (validated in its own process) with one broken line at its end.
    const lines = fs.readFileSync(trainFile, 'utf8').trim().split('\n');
    const bigFile = path.join(path.dirname(trainFile), 'big.jsonl');
    fs.writeFileSync(bigFile, Array.from({ length: Math.ceil(5e6 / fs.statSync(trainFile).size) }, () => lines.join('\n')).join('\n') + '\n{"messages": [\n');
    const big = await client.files.create({ file: fs.createReadStream(bigFile), purpose: 'fine-tune' });
    const lastLine = fs.readFileSync(bigFile, 'utf8').trim().split('\n').length;
    expect(big.bytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(big.status).toBe('error');
    expect(big.status_details).toContain(`line ${lastLine}`);
    const err = await client.fineTuning.jobs.create({ model: BASE_MODEL, training_file: f.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((err as InstanceType<typeof OpenAI.APIError>).param).toBe('training_file');
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_file');
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    for (const call of [
      () => client.fineTuning.jobs.create({ model: 'no-such-model', training_file: fileId }),
      () => client.chat.completions.create({ model: 'ft:no-such-model:tunebench::abcdefgh', messages: [{ role: 'user', content: 'hi' }] }),
      () => client.models.retrieve('no-such-model')
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('model_not_found');
      expect((err as InstanceType<typeof OpenAI.APIError>).param).toBe('model');
    }
  });

  it('answers a bad hyperparameter with 400 naming the parameter', async () => {
    const err = await client.fineTuning.jobs
      .create({ model: BASE_MODEL, training_file: fileId, method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 0 } } } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.APIError>).param).toBe('method.supervised.hyperparameters.n_epochs');
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_hyperparameter');
    const lr = await client.fineTuning.jobs.create({ model: BASE_MODEL, training_file: fileId, hyperparameters: { learning_rate_multiplier: -1 } }).catch((e: unknown) => e);
    expect(lr).toBeInstanceOf(OpenAI.BadRequestError);
    expect((lr as InstanceType<typeof OpenAI.APIError>).param).toBe('hyperparameters.learning_rate_multiplier');
    const temp = await client.chat.completions.create({ model: BASE_MODEL, messages: [{ role: 'user', content: 'hi' }], temperature: 3 }).catch((e: unknown) => e);
    expect(temp).toBeInstanceOf(OpenAI.BadRequestError);
    expect((temp as InstanceType<typeof OpenAI.APIError>).param).toBe('temperature');
  });

  it('answers an unknown job or file with 404, and never reaches outside the workspace', async () => {
    const job404 = await client.fineTuning.jobs.retrieve('ftjob-doesnotexist00000000000').catch((e: unknown) => e);
    expect(job404).toBeInstanceOf(OpenAI.NotFoundError);
    expect((job404 as InstanceType<typeof OpenAI.APIError>).code).toBe('fine_tuning_job_not_found');
    for (const id of ['file-doesnotexist000000000000', '../../catalog.json', '..%2F..%2Fworkspace.json', 'file-../../x']) {
      const e = await client.files.retrieve(id).catch((x: unknown) => x);
      expect(e, id).toBeInstanceOf(OpenAI.NotFoundError);
      expect((e as InstanceType<typeof OpenAI.APIError>).code).toBe('file_not_found');
    }
    const traversal = await client.files.content('../../.tunebench/catalog.json').catch((x: unknown) => x);
    expect(traversal).toBeInstanceOf(OpenAI.NotFoundError);
    // A file name with folders is stored under the file's id, as its base name only.
    const form = new FormData();
    form.set('purpose', 'fine-tune');
    form.set('file', new Blob([fs.readFileSync(trainFile)]), '../../../../tmp/escape.jsonl');
    const r = await fetch(`${app.url}/v1/files`, { method: 'POST', body: form });
    const up = (await r.json()) as { id: string; filename: string };
    expect(r.status).toBe(200);
    expect(up.filename).toBe('escape.jsonl');
    expect(fs.readdirSync(path.join(app.workspace, '.tunebench', 'files', up.id)).sort()).toEqual(['content.jsonl', 'file.json']);
    expect(fs.existsSync('/tmp/escape.jsonl')).toBe(false);
    const deleted = await client.files.delete(up.id);
    expect(deleted.deleted).toBe(true);
    expect(await client.files.retrieve(up.id).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('deletes a fine-tuned model but keeps its exports, and refuses base models', async () => {
    const base = await client.models.delete(BASE_MODEL).catch((e: unknown) => e);
    expect(base).toBeInstanceOf(OpenAI.PermissionDeniedError);
    // Export it first (the models page's door): the export must survive the delete.
    const exp = await fetch(`${app.url}/api/models/${encodeURIComponent(job.fine_tuned_model!)}/exports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"format": "adapter"}' });
    expect(exp.status).toBe(201);
    const exportDir = path.join(app.workspace, ((await exp.json()) as { path: string }).path);
    const r = await client.models.delete(job.fine_tuned_model!);
    expect(r.deleted).toBe(true);
    expect(await client.models.retrieve(job.fine_tuned_model!).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    expect((await client.models.list()).data.map((m) => m.id)).not.toContain(job.fine_tuned_model);
    const chat = await client.chat.completions.create({ model: job.fine_tuned_model!, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(OpenAI.NotFoundError);
    expect(fs.readdirSync(exportDir).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    const runs = (job as unknown as { runs: string[] }).runs;
    expect(fs.existsSync(path.join(app.workspace, '.tunebench', 'runs', runs[0], 'checkpoints', 'model'))).toBe(false);
  }, 60_000);
});
