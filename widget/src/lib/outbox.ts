import type { Attachment } from '@support/protocol';
import type { KeyValue } from '../types.js';

export type { KeyValue };

/** A message the visitor wrote that the server has not acknowledged yet, with files already uploaded. */
export type Pending = { clientMessageId: string; body: string; createdAt: string; files?: Attachment[] };

/**
 * Unsent messages in the order they were written, persisted under one key so a reload or
 * another tab sees them. Each keeps its clientMessageId for life, so resending after a lost
 * ack is idempotent on the server. Every call re-reads storage: tabs share the list.
 */
export class Outbox {
  constructor(
    private readonly store: KeyValue,
    private readonly key: string,
  ) {}

  list(): Pending[] {
    try {
      const v = JSON.parse(this.store.getItem(this.key) ?? '[]') as unknown;
      return Array.isArray(v)
        ? v.filter((p): p is Pending => typeof p?.clientMessageId === 'string' && typeof p?.body === 'string' && (p.files === undefined || Array.isArray(p.files)))
        : [];
    } catch {
      return [];
    }
  }

  add(p: Pending): void {
    this.write([...this.list().filter((q) => q.clientMessageId !== p.clientMessageId), p]);
  }

  remove(clientMessageId: string): void {
    this.write(this.list().filter((p) => p.clientMessageId !== clientMessageId));
  }

  first(): Pending | undefined {
    return this.list()[0];
  }

  clear(): void {
    this.store.removeItem(this.key);
  }

  private write(items: Pending[]): void {
    if (items.length) this.store.setItem(this.key, JSON.stringify(items));
    else this.store.removeItem(this.key);
  }
}
