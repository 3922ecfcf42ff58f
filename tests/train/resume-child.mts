/**
 * A training process for resume.test.ts: trains LoRA on a banking77 slice into WORK_DIR (resuming
 * from its newest checkpoint, as train() always does) and prints the summary as the last line.
 * The test kills it with SIGKILL mid-run and starts it again.
 */
import { initBackend } from '../../src/engine/train/backend.ts';
import { train } from '../../src/engine/train/trainer.ts';
import { resumeOptions } from './resume-options.ts';

await initBackend({ backend: 'wasm', threads: 1 });
const res = await train(resumeOptions(process.env.WORK_DIR!));
process.stdout.write(JSON.stringify({ summary: res.summary, final: res.final }) + '\n');
