/**
 * Runs `work` every `everyMs` (and at once with `atOnce`) until the
 * returned function is called. The timer never keeps the process alive, and
 * a failed run goes to `onError` (a warn line) rather than becoming an
 * unhandled rejection: the next run simply tries again. For the periodic
 * sweeps (audit retention, ended sessions, spent challenges, used SSO
 * states), so each is started, guarded and stopped the same way.
 */
export function repeat(
  everyMs: number,
  work: () => Promise<unknown>,
  onError: (error: unknown) => void,
  { atOnce = false } = {},
): () => void {
  const run = () => void work().catch(onError);
  if (atOnce) run();
  const timer = setInterval(run, everyMs).unref();
  return () => clearInterval(timer);
}
