/**
 * Process facts shared by the run store, locks, imports and the child processes that run
 * pipelines and imports for the web server.
 */

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * For a child process doing work for its parent: a signal that aborts on SIGTERM, SIGINT or the
 * parent's disconnect, with the reason `why(...)` says. Ctrl+C in the parent's terminal sends
 * SIGINT to the child too, and then the parent's shutdown sends SIGTERM: only the same signal
 * twice means "stop now" (exit 130 / 143 without cleaning up).
 */
export function interruptSignal(why: (cause: 'SIGTERM' | 'SIGINT' | 'disconnect') => string): AbortSignal {
  const controller = new AbortController();
  const interrupt = (reason: string) => {
    if (!controller.signal.aborted) controller.abort(new Error(reason));
  };
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    let seen = false;
    process.on(sig, () => {
      if (seen) process.exit(sig === 'SIGINT' ? 130 : 143);
      seen = true;
      interrupt(why(sig));
    });
  }
  process.once('disconnect', () => interrupt(why('disconnect')));
  return controller.signal;
}
