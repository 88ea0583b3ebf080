import type { Ack, Message } from '@support/protocol';
import type { Outbox, Pending } from '../lib/outbox.js';

const RETRY_MS = 2000;

type Deps = {
  outbox: Outbox;
  /** Web Lock name: one tab of the site sends the shared outbox at a time. */
  lockName: string;
  send(p: Pending): Promise<Ack<Message>>;
  /** A session is up on the socket. */
  canSend(): boolean;
  /** The message is already stored (seen live or in history). */
  isStored(clientMessageId: string): boolean;
  /** Something to finish first (an identify in flight), or null. */
  before(): Promise<unknown> | null;
  delivered(m: Message): void;
  rejected(p: Pending): void;
  /** The server wants the visitor's details before the first message (PRECHAT_REQUIRED): the
   * message stays queued, and sending resumes on the next `flush` (after identify). */
  held(missing: string[]): void;
};

/**
 * Sends the outbox one message at a time, oldest first, each until the server acks it, so
 * messages arrive in the order they were written. A message the server refuses as invalid
 * (or whose uploaded files are gone: NOT_FOUND) is dropped and reported; any other failure (lost ack, busy, restarting) leaves it queued and
 * retries shortly with the same clientMessageId, which the server stores at most once. One the
 * server holds back until the visitor gives the inbox's required details stays queued too.
 */
export class Sender {
  private running = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly d: Deps) {}

  async flush(): Promise<void> {
    if (this.running || !this.d.canSend()) return;
    this.running = true;
    clearTimeout(this.retry);
    try {
      await this.d.before();
      const locks = (navigator as Navigator & { locks?: LockManager }).locks;
      if (locks) await locks.request(this.d.lockName, () => this.drain());
      else await this.drain();
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    clearTimeout(this.retry);
  }

  private async drain(): Promise<void> {
    const { outbox } = this.d;
    for (let p = outbox.first(); p && this.d.canSend(); p = outbox.first()) {
      if (this.d.isStored(p.clientMessageId)) {
        outbox.remove(p.clientMessageId);
        continue;
      }
      const r = await this.d.send(p);
      if (r.ok) {
        outbox.remove(p.clientMessageId);
        this.d.delivered(r.data);
      } else if (r.error.code === 'PRECHAT_REQUIRED') {
        this.d.held((r.error.details as { missing?: string[] } | undefined)?.missing ?? ['name', 'email']);
        return;
      } else if (r.error.code === 'VALIDATION_FAILED' || r.error.code === 'NOT_FOUND') {
        outbox.remove(p.clientMessageId);
        this.d.rejected(p);
      } else {
        this.retry = setTimeout(() => void this.flush(), RETRY_MS);
        return;
      }
    }
  }
}
