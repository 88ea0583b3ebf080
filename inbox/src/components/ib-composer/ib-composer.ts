import { LitElement, html, css, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Attachment } from '@support/protocol';
import { store } from '../../store.js';
import { uploadAttachment } from '../../api.js';
import { formatSize } from '../../lib/email-html.js';

/** Files go with the next send; `uploading` counts uploads still in flight. */
type Draft = { text: string; mode: 'public' | 'internal'; files: Attachment[]; uploading: number };
/** At most this many files per message (the protocol's limit). */
const MAX_FILES = 10;
const drafts = new Map<string, Draft>();
/** Typing `on` is re-sent at most this often while the agent keeps typing (ms). */
const TYPING_REFRESH_MS = 3000;
/** Typing turns `off` after this long without a keystroke (ms). */
const TYPING_IDLE_MS = 4000;

/**
 * The composer of the open ticket: Enter sends, Shift+Enter is a newline, a toggle switches
 * between a public reply and an internal note, "Attach files" uploads files that go with the
 * next send (`attachmentIds`). The draft (text, mode, files) is kept per ticket while
 * switching tickets. Sends `typing` while the agent types.
 */
export class IbComposer extends LitElement {
  static styles = css`
    :host { display: block; border-top: 1px solid #e3e6ea; padding: 8px; background: #fff; }
    :host([mode='internal']) { background: #fff8e1; }
    .modes { display: flex; gap: 4px; margin-bottom: 6px; }
    .modes button { border: 1px solid #cfd5dc; background: #f6f8fa; border-radius: 6px; padding: 2px 10px; cursor: pointer; font: inherit; }
    .modes button[aria-pressed='true'] { background: #24292f; color: #fff; }
    .modes button.note[aria-pressed='true'] { background: #b58900; border-color: #b58900; }
    textarea { width: 100%; box-sizing: border-box; min-height: 64px; max-height: 200px; resize: vertical; font: inherit; padding: 6px 8px; border: 1px solid #cfd5dc; border-radius: 6px; }
    .hint { color: #6a737d; font-size: 12px; margin-top: 4px; display: flex; justify-content: space-between; }
    .error { color: #b00020; }
    .files { display: flex; gap: 6px; flex-wrap: wrap; margin: 0 0 6px; padding: 0; list-style: none; font-size: 12px; }
    .files li { background: #eef1f4; border-radius: 10px; padding: 1px 4px 1px 8px; }
    .files button { border: 0; background: none; cursor: pointer; padding: 0 4px; font: inherit; }
    .attach { margin-left: auto; }
    input[type='file'] { display: none; }
  `;

  static properties = { ticketId: { type: String } };
  declare ticketId: string;
  private error = '';
  private typingSentAt = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.ticketId = '';
  }

  willUpdate(changed: Map<string, unknown>) {
    // Switching tickets: stop typing on the old one (its draft stays in `drafts`).
    if (changed.has('ticketId') && changed.get('ticketId')) this.stopTyping(changed.get('ticketId') as string);
    this.setAttribute('mode', this.draft.mode);
  }

  private get draft(): Draft {
    let d = drafts.get(this.ticketId);
    if (!d) drafts.set(this.ticketId, (d = { text: '', mode: 'public', files: [], uploading: 0 }));
    return d;
  }

  /** Focuses the textarea in `mode` (shortcuts `r` and `n`). */
  focusMode(mode: 'public' | 'internal') {
    this.setMode(mode);
    void this.updateComplete.then(() => (this.renderRoot.querySelector('textarea') as HTMLTextAreaElement).focus());
  }

  private setMode(mode: 'public' | 'internal') {
    if (this.draft.mode !== mode) this.stopTyping();
    this.draft.mode = mode;
    this.requestUpdate();
  }

  private stopTyping(ticketId = this.ticketId) {
    clearTimeout(this.idle);
    if (this.typingSentAt && store.socket) store.socket.emit('typing', { ticketId, on: false, visibility: drafts.get(ticketId)?.mode ?? 'public' });
    this.typingSentAt = 0;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.stopTyping();
  }

  private onInput(e: InputEvent) {
    this.draft.text = (e.target as HTMLTextAreaElement).value;
    const now = Date.now();
    if (store.socket && now - this.typingSentAt > TYPING_REFRESH_MS) {
      store.socket.emit('typing', { ticketId: this.ticketId, on: true, visibility: this.draft.mode });
      this.typingSentAt = now;
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private onKey(e: KeyboardEvent) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void this.send();
    } else if (e.key === 'Escape') (e.target as HTMLElement).blur();
  }

  /** Uploads the picked files into the draft of the ticket they were picked for. */
  private async onFiles(e: Event) {
    const input = e.target as HTMLInputElement;
    const draft = this.draft;
    const picked = Array.from(input.files ?? []);
    input.value = '';
    this.error = '';
    if (draft.files.length + draft.uploading + picked.length > MAX_FILES) {
      this.error = `At most ${MAX_FILES} files per message`;
      this.requestUpdate();
      return;
    }
    draft.uploading += picked.length;
    this.requestUpdate();
    await Promise.all(
      picked.map(async (f) => {
        try {
          draft.files = [...draft.files, await uploadAttachment(f)];
        } catch (err) {
          this.error = `${f.name}: ${(err as Error).message}`;
        } finally {
          draft.uploading--;
          this.requestUpdate();
        }
      }),
    );
  }

  private removeFile(id: string) {
    this.draft.files = this.draft.files.filter((f) => f.id !== id);
    this.requestUpdate();
  }

  private async send() {
    const open = store.open;
    const { text, mode, files, uploading } = this.draft;
    if (!open || !text.trim()) {
      if (files.length) this.error = 'Write a message to send with the files';
      this.requestUpdate();
      return;
    }
    if (uploading) {
      this.error = 'Wait for the files to finish uploading';
      this.requestUpdate();
      return;
    }
    this.stopTyping();
    this.draft.text = '';
    this.draft.files = [];
    this.error = '';
    this.requestUpdate();
    try {
      await open.send(text, mode, undefined, files.map((f) => f.id));
    } catch (err) {
      this.error = `Not sent: ${(err as Error).message}`;
    }
    this.requestUpdate();
  }

  /** Email tickets are answered by mail: say to whom. */
  private replyHint(): string {
    const t = store.open?.ticket;
    return t?.channel === 'email' && t.requester.email ? `Reply by email to ${t.requester.email}` : 'Reply to the visitor';
  }

  render() {
    const d = this.draft;
    return html`
      <div class="modes">
        <button data-mode="public" aria-pressed=${d.mode === 'public'} @click=${() => this.setMode('public')}>Reply</button>
        <button class="note" data-mode="internal" aria-pressed=${d.mode === 'internal'} @click=${() => this.setMode('internal')}>Internal note</button>
        <button class="attach" @click=${() => (this.renderRoot.querySelector('input[type=file]') as HTMLInputElement).click()}>Attach files</button>
        <input type="file" multiple aria-label="Attach files" @change=${this.onFiles} />
      </div>
      ${d.files.length || d.uploading
        ? html`<ul class="files" aria-label="Files to send">
            ${d.files.map((f) => html`<li>${f.filename} (${formatSize(f.size)})<button aria-label="Remove ${f.filename}" @click=${() => this.removeFile(f.id)}>×</button></li>`)}
            ${d.uploading ? html`<li class="uploading">uploading ${d.uploading} file(s)…</li>` : nothing}
          </ul>`
        : nothing}
      <textarea
        aria-label=${d.mode === 'internal' ? 'Internal note' : 'Reply'}
        placeholder=${d.mode === 'internal' ? 'Note for your team (the visitor never sees it)' : this.replyHint()}
        .value=${live(d.text)}
        @input=${this.onInput}
        @keydown=${this.onKey}
      ></textarea>
      <div class="hint"><span>Enter to send · Shift+Enter for a new line</span><span class="error">${this.error}</span></div>
    `;
  }
}
customElements.define('ib-composer', IbComposer);
