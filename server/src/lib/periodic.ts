import type { Logger } from 'pino';

/**
 * Runs `round` every `intervalMs`, jittered ±25% so nodes spread out, until the returned
 * function is called. A failed round is logged (as `<name> round failed`) and the next one
 * runs on schedule; rounds never overlap.
 */
export function runPeriodically(name: string, intervalMs: number, logger: Logger, round: () => Promise<void>): () => void {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(run, intervalMs * (0.75 + Math.random() * 0.5));
    timer.unref();
  };
  const run = async () => {
    try {
      await round();
    } catch (err) {
      logger.warn({ err }, `${name} round failed`);
    }
    schedule();
  };
  schedule();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
