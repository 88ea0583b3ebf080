import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { Attachment, Message } from '@support/protocol';
import type { ChatClient } from '../../chat/client.js';
import { ChatController } from '../../chat/controller.js';
import { linkify } from '../../lib/linkify.js';
import { sizeLabel } from '../../chat/files.js';
import { byDay, dayLabel } from '../../lib/timeline.js';
import { messagesStyles } from './sw-messages.styles.js';

/** Message text as text nodes, with safe http(s) links; nothing typed can become markup. */
const text = (body: string) =>
  linkify(body).map((s) => (s.href ? html`<a href=${s.href} target="_blank" rel="noopener noreferrer nofollow">${s.text}</a>` : s.text));
/** Files of a message as text buttons; `save` downloads one (none: not sent yet). Filenames are text nodes, never markup. */
const files = (list: Attachment[] | undefined, save?: (a: Attachment) => void, lost?: Set<string>) =>
  list?.map(
    (a) =>
      html`<button type="button" class="f" ?disabled=${!save} @click=${() => save?.(a)}>${a.filename} <small>${sizeLabel(a.size)}${lost?.has(a.id) ? ' · could not download' : ''}</small></button>`,
  );
const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * The conversation: day separators, agent and visitor bubbles (delivered / seen / sending
 * state on the visitor's own), agent typing, the closed-ticket note and `notice`. A
 * `role="log"` live region, so screen readers announce new messages; focusable, so the
 * keyboard scrolls it.
 */
export class SwMessages extends LitElement {
  static styles = messagesStyles;
  static properties = { client: { attribute: false }, greeting: {}, notice: {}, lost: { state: true } };
  declare client: ChatClient;
  declare greeting: string;
  /** A note from the widget itself at the end of the log (the away form's confirmation), or empty. */
  declare notice: string;
  /** Attachments whose download failed (gone, or offline). */
  declare lost: Set<string>;

  constructor() {
    super();
    this.lost = new Set();
    new ChatController(this);
  }

  private async save(a: Attachment) {
    const saved = await this.client.download(a);
    this.lost = new Set(this.lost);
    this.lost[saved ? 'delete' : 'add'](a.id);
  }

  private bubble(m: Message, seenSeq: number) {
    const me = m.authorType === 'contact';
    const state = me ? (m.seq <= seenSeq ? ' · Seen' : ' · Delivered') : '';
    return html`<div part="message" class="m ${me ? 'me' : 'them'}" data-seq=${m.seq}>
      ${me ? nothing : html`<span class="who">${m.authorName ?? 'Support'}</span>`}
      <p>${text(m.body)}</p>
      ${files(m.attachments, (a) => void this.save(a), this.lost)}
      <span class="meta"><time datetime=${m.createdAt}>${time(m.createdAt)}</time>${state}</span>
    </div>`;
  }

  render() {
    const c = this.client;
    const conv = c.conversation;
    const now = new Date();
    return html`<div part="messages" class="list" role="log" aria-live="polite" aria-label="Messages" tabindex="0">
      <p class="greet">${this.greeting}</p>
      ${byDay(c.timeline.items).map(
        (g) => html`<div class="day" role="separator">${dayLabel(g.day, now)}</div>
          ${g.messages.map((m) => this.bubble(m, m.conversationId === conv?.id ? conv.agentLastReadSeq : 0))}`,
      )}
      ${c.pending.map(
        (p) => html`<div part="message" class="m me pending"><p>${text(p.body)}</p>${files(p.files)}<span class="meta">${c.ready ? 'Sending…' : 'Waiting for connection…'}</span></div>`,
      )}
      ${c.failed.map((p) => html`<div part="message" class="m me failed"><p>${text(p.body)}</p><span class="meta">Not sent</span></div>`)}
      ${c.agentTyping ? html`<div class="typing" aria-live="off">${c.agentTyping} is typing…</div>` : nothing}
      ${c.closed ? html`<div class="note">This conversation is closed. Write to start a new one.</div>` : nothing}
      ${this.notice ? html`<div class="note ok">${this.notice}</div>` : nothing}
    </div>`;
  }

  protected updated(_: PropertyValues): void {
    const list = this.renderRoot.querySelector('.list');
    if (list) list.scrollTop = list.scrollHeight;
  }
}
if (!customElements.get('sw-messages')) customElements.define('sw-messages', SwMessages);
