import type { Ack, Attachment, Message, WidgetConversation, WidgetIdentify, WidgetIdentity } from '@support/protocol';
import { Timeline } from '../lib/timeline.js';
import type { Profile } from '../chat/visitor-store.js';
import type { ChatClient } from '../chat/client.js';

/** What the preview shows: a first visit (pre-chat form or greeting), or a conversation under way. */
export type PreviewState = 'new' | 'chat';

const CONVERSATION: WidgetConversation = { id: 'cnv_preview', ticketId: 'tkt_preview', lastSeq: 2, contactLastReadSeq: 2, agentLastReadSeq: 2 };

const message = (seq: number, authorType: 'contact' | 'agent', body: string, authorName: string | null): Message => ({
  id: `msg_preview_${seq}`, ticketId: CONVERSATION.ticketId, conversationId: CONVERSATION.id, seq, authorType, authorId: null, authorName, body,
  html: null, visibility: 'public', clientMessageId: null, email: null, attachments: [], createdAt: new Date().toISOString(),
});

/**
 * The chat client the settings preview hands the real panel: the members the panel and its
 * parts read, with the state the admin picks and no connection at all (nothing is sent
 * anywhere; the preview page's CSP allows no connection either). The preview is inert; if
 * anything were typed, it would stay on the page (a pre-chat form "saved", a message shown).
 */
export class PreviewClient {
  ready = true;
  agentsOnline = true;
  queue = null;
  missing: string[] = [];
  failed = [];
  pending = [];
  agentTyping: string | null = null;
  closed = false;
  profile: Profile = {};
  conversation: WidgetConversation | null = null;
  readonly timeline = new Timeline();
  private readonly listeners = new Set<() => void>();
  private seq = 2;

  /** Shows `state`, with a sample exchange for `chat`; forgets what was typed in the preview. */
  show(state: PreviewState, online: boolean): void {
    this.agentsOnline = online;
    this.profile = {};
    this.timeline.clear();
    this.seq = 2;
    this.conversation = state === 'chat' ? CONVERSATION : null;
    if (state === 'chat')
      this.timeline.add(message(1, 'contact', 'Hello! Can I change the delivery address of my order?', null), message(2, 'agent', 'Of course. Which address should it go to?', 'Sam'));
    this.changed();
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  send(body: string): void {
    this.conversation ??= CONVERSATION;
    this.timeline.add(message(++this.seq, 'contact', body, null));
    this.changed();
  }

  async identify(p: WidgetIdentify): Promise<Ack<WidgetIdentity>> {
    this.saveProfile({ name: p.name ?? null, email: p.email ?? null });
    return { ok: true, data: { contactId: 'ct_preview', verified: false, name: p.name ?? null, email: p.email ?? null, conversation: this.conversation } };
  }

  saveProfile(p: Profile): void {
    this.profile = { ...this.profile, ...p };
    this.changed();
  }

  async upload(): Promise<Ack<Attachment>> {
    return { ok: false, error: { code: 'UNAVAILABLE', message: 'not in the preview' } };
  }

  async download(): Promise<boolean> {
    return false;
  }

  typing(): void {}

  /** The panel takes it as its client: it reads only the members above. */
  asClient(): ChatClient {
    return this as unknown as ChatClient;
  }

  private changed(): void {
    this.listeners.forEach((fn) => fn());
  }
}
