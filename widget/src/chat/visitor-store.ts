import { keys, pageStorage, type KeyValue } from '../types.js';

export type Profile = { name?: string | null; email?: string | null; prechatDone?: boolean };
export type ReadMark = { conversationId: string; seq: number };

/**
 * Moves a read marker forward: within one conversation to the higher seq, and to a newer
 * conversation (ids sort by creation time) whatever its seq, since seqs restart there.
 */
export const laterRead = (a: ReadMark, b: ReadMark): ReadMark =>
  a.conversationId === b.conversationId ? (b.seq > a.seq ? b : a) : b.conversationId > a.conversationId ? b : a;

/**
 * What this browser keeps for one inbox, in localStorage (shared by every tab of the site):
 * the session token, the contact it resolved to, profile, read marker, unread count and
 * whether a conversation is under way (the loader preloads the panel then).
 */
export class VisitorStore {
  readonly k: ReturnType<typeof keys>;
  constructor(
    inboxId: string,
    readonly storage: KeyValue = pageStorage(),
  ) {
    this.k = keys(inboxId);
  }

  get token(): string | null {
    return this.storage.getItem(this.k.token);
  }
  set token(v: string | null) {
    if (v) this.storage.setItem(this.k.token, v);
    else this.storage.removeItem(this.k.token);
  }

  /** Records the session's contact; other tabs restart their session when it changes. */
  setContact(contactId: string): void {
    this.storage.setItem(this.k.contact, contactId);
  }

  get profile(): Profile {
    return this.json<Profile>(this.k.profile) ?? {};
  }
  set profile(p: Profile) {
    this.storage.setItem(this.k.profile, JSON.stringify(p));
  }

  /** The visitor's read marker: the last seq seen in a conversation. */
  get read(): ReadMark {
    const r = this.json<ReadMark>(this.k.read);
    return typeof r?.conversationId === 'string' && typeof r.seq === 'number' ? r : { conversationId: '', seq: 0 };
  }
  set read(r: ReadMark) {
    this.storage.setItem(this.k.read, JSON.stringify(r));
  }

  set active(on: boolean) {
    if (on) this.storage.setItem(this.k.active, '1');
    else this.storage.removeItem(this.k.active);
  }

  set unread(n: number) {
    this.storage.setItem(this.k.unread, String(n));
  }

  /** Forgets everything kept for this inbox (shutdown). */
  forget(): void {
    for (const key of Object.values(this.k)) this.storage.removeItem(key);
  }

  private json<T>(key: string): T | null {
    try {
      return JSON.parse(this.storage.getItem(key) ?? 'null') as T | null;
    } catch {
      return null;
    }
  }
}
