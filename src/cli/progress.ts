/**
 * A progress bar on stderr for long work. Draws only on a terminal; elsewhere it prints a line
 * at most every few seconds so logs stay readable.
 */
import type { CliIO } from './command.ts';
import { formatDuration } from './format.ts';

export interface ProgressBar {
  update(done: number, total?: number, note?: string): void;
  done(message?: string): void;
}

export function progressBar(io: CliIO, label: string): ProgressBar {
  const start = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(done, total, note) {
      const now = Date.now();
      if (now - last < (io.isTTY ? 100 : 5000)) return;
      last = now;
      const elapsed = now - start;
      let text: string;
      if (total && total > 0) {
        const frac = Math.min(1, done / total);
        const width = 24;
        const fill = Math.round(frac * width);
        const eta = frac > 0 ? (elapsed / frac) * (1 - frac) : 0;
        text = `${label} [${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total} ${formatDuration(elapsed)} eta ${formatDuration(eta)}`;
      } else {
        text = `${label} ${done} ${formatDuration(elapsed)}`;
      }
      if (note) text += ` ${note}`;
      if (io.isTTY) {
        process.stderr.write(`\r\x1b[2K${text}`);
        drawn = true;
      } else io.err(text);
    },
    done(message) {
      if (io.isTTY && drawn) process.stderr.write('\r\x1b[2K');
      if (message) io.err(message);
    }
  };
}
