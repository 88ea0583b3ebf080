import type { Logger } from 'pino';
import Tinypool from 'tinypool';
import { prepareInbound, type Prepared, type PrepareTask } from './prepare.js';

const TASK_TIMEOUT_MS = 120_000;

/** Parses inbound mail (prepare.ts) off the event loop. */
export type MailParser = { prepare(task: PrepareTask): Promise<Prepared>; close(): Promise<void> };

/**
 * A pool of `threads` worker threads (started on first use, stopped after a minute idle)
 * that parse, strip and sanitize inbound mail, so a large nested mail does not hold up
 * sockets and requests on this node. `threads: 0` does the work on the main thread. A mail
 * not parsed within TASK_TIMEOUT_MS fails (500: the provider retries it).
 */
export function createMailParser(threads: number, logger: Pick<Logger, 'error'>): MailParser {
  if (threads === 0) return { prepare: prepareInbound, close: async () => {} };
  const pool = new Tinypool({
    filename: new URL('./parse.worker.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  pool.on('error', (err: unknown) => logger.error({ err }, 'inbound mail parse thread failed'));
  return {
    async prepare(task) {
      // The raw bytes are copied, not transferred: the caller keeps them (stored with the mail).
      const r = (await pool.run(task, { signal: AbortSignal.timeout(TASK_TIMEOUT_MS) })) as Prepared;
      // Buffers come back from a thread as plain Uint8Arrays.
      if (r.ok) for (const a of r.mail.attachments) a.content = Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength);
      return r;
    },
    close: () => pool.destroy(),
  };
}
