/** The CLI's output captured in memory, for tests that run main() in process. */
import type { CliIO } from '../../src/cli/command.ts';

export function capture(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    out(t: string) {
      io.stdout += t + '\n';
    },
    err(t: string) {
      io.stderr += t + '\n';
    }
  };
  return io;
}
