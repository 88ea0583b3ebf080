import { LitElement, html, css, nothing, unsafeCSS } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Attachment, CannedResponse } from '@support/protocol';
import { store } from '../../store.js';
import { uploadAttachment } from '../../api.js';
import { formatSize } from '../../lib/email-html.js';
import { controls, PHONE_MAX } from '../../styles/tokens.js';
import { useCanned } from '../../lib/canned.js';
import { CannedSlash, cannedSlashStyles } from '../ib-canned/canned-slash.js';
import type { IbCannedSave } from '../ib-canned/ib-canned-save.js';
import '../ib-button/ib-button.js';

/** Files go with the next send; `uploading` counts uploads still in flight. */
type Draft = { text: string; mode: 'public' | 'internal'; files: Attachment[]; uploading: number };
/** At most this many files per message (the protocol's limit). */
const MAX_FILES = 10;
const drafts = new Map<string, Draft>();
/** The filling of templates (and zod with it), loaded once the `/` menu first opens. */
let fill: Promise<typeof import('../../lib/canned-fill.js')> | null = null;
const loadFill = () => (fill ??= import('../../lib/canned-fill.js'));
/** Typing `on` is re-sent at most this often while the agent keeps typing (ms). */
const TYPING_REFRESH_MS = 3000;
/** Typing turns `off` after this long without a keystroke (ms). */
const TYPING_IDLE_MS = 4000;

/**
 * The composer of the open ticket: Enter sends, Shift+Enter is a newline, a toggle switches
 * between a public reply and an internal note, "Attach files" uploads files that go with the
 * next send (`attachmentIds`). The draft (text, mode, files) is kept per ticket while
 * switching tickets. Sends `typing` while the agent types. Typing `/` at the start of a word
 * opens the canned responses (`CannedSlash`): the one chosen replaces `/…`, filled in for
 * this ticket, and its files join the draft; "Save as canned response" saves the text as one.
 */
export class IbComposer extends LitElement {
  static styles = [
    controls,
    css`
      :host { display: block; border-top: 1px solid var(--ib-border-muted); padding: var(--ib-space-2) var(--ib-space-4) var(--ib-space-3); background: var(--ib-bg); }
      :host([mode='internal']) { background: var(--ib-note); }
      .modes { display: flex; flex-wrap: wrap; gap: var(--ib-space-2); margin-bottom: var(--ib-space-2); align-items: center; }
      .segmented { display: inline-flex; }
      .segmented > button.note[aria-pressed='true'] { background: var(--ib-attention-subtle); color: var(--ib-attention); }
      textarea { display: block; width: 100%; min-height: 64px; max-height: 200px; resize: vertical; }
      :host([mode='internal']) textarea { border-color: var(--ib-attention-border); }
      .hint { color: var(--ib-text-muted); font-size: var(--ib-text-sm); margin-top: var(--ib-space-1); display: flex; justify-content: space-between; gap: var(--ib-space-2); flex-wrap: wrap; }
      .error { color: var(--ib-danger); }
      .files { display: flex; gap: 6px; flex-wrap: wrap; margin: 0 0 var(--ib-space-2); padding: 0; list-style: none; }
      .files button { border: 0; background: none; cursor: pointer; padding: 0 4px; color: var(--ib-text-muted); }
      .save-canned { margin-left: auto; }
      input[type='file'] { display: none; }
      @media (max-width: ${unsafeCSS(PHONE_MAX)}px) { :host { padding: var(--ib-space-2) var(--ib-space-3); } .hint .keys { display: none; } }
    `,
    cannedSlashStyles,
  ];

  static properties = { ticketId: { type: String } };
  declare ticketId: string;
  private error = '';
  private typingSentAt = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;
  private readonly slash = new CannedSlash(this, 'canned-menu', (r, from, to) => void this.insertCanned(r, from, to));

  constructor() {
    super();
    this.ticketId = '';
  }

  willUpdate(changed: Map<string, unknown>) {
    // Switching tickets: stop typing on the old one (its draft stays in `drafts`).
    if (changed.has('ticketId') && changed.get('ticketId')) this.stopTyping(changed.get('ticketId') as string);
    if (changed.has('ticketId')) this.slash.close();
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

  private get textarea(): HTMLTextAreaElement {
    return this.renderRoot.querySelector('textarea') as HTMLTextAreaElement;
  }

  private onInput(e: InputEvent) {
    this.draft.text = (e.target as HTMLTextAreaElement).value;
    this.slash.check(e.target as HTMLTextAreaElement);
    if (this.slash.open) void loadFill();
    const now = Date.now();
    if (store.socket && now - this.typingSentAt > TYPING_REFRESH_MS) {
      store.socket.emit('typing', { ticketId: this.ticketId, on: true, visibility: this.draft.mode });
      this.typingSentAt = now;
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private onKey(e: KeyboardEvent) {
    if (this.slash.keydown(e, e.target as HTMLTextAreaElement)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void this.send();
    } else if (e.key === 'Escape') (e.target as HTMLElement).blur();
  }

  /** Replaces `/…` (from `from` to `to`) with the response filled in for this ticket, counts the use and adds its files to the draft. */
  private async insertCanned(r: CannedResponse, from: number, to: number) {
    const t = this.textarea;
    const draft = this.draft;
    const { fillCanned } = await loadFill();
    t.setRangeText(fillCanned(r, store), from, to, 'end');
    draft.text = t.value;
    t.focus();
    this.error = '';
    this.requestUpdate();
    try {
      const files = await useCanned(r.id);
      const room = MAX_FILES - draft.files.length - draft.uploading;
      draft.files = [...draft.files, ...files.slice(0, Math.max(0, room))];
      if (files.length > room) this.error = `At most ${MAX_FILES} files per message: ${files.length - room} of /${r.shortCode}'s not added`;
    } catch (err) {
      if (r.attachments.length) this.error = `The files of /${r.shortCode} could not be added: ${(err as Error).message}`;
    }
    this.requestUpdate();
  }

  private async saveCanned() {
    const text = this.draft.text.trim();
    if (!text) {
      this.error = 'Write the text to save first';
      this.requestUpdate();
      return;
    }
    // The dialog validates with the protocol's zod schema: its own chunk, kept out of the first load.
    await import('../ib-canned/ib-canned-save.js');
    void (this.renderRoot.querySelector('ib-canned-save') as IbCannedSave).open(text);
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
    const a = this.slash.attrs();
    return html`
      <div class="modes">
        <div class="segmented" role="group" aria-label="Write">
          <button data-mode="public" aria-pressed=${d.mode === 'public'} aria-keyshortcuts="r" @click=${() => this.setMode('public')}>Reply</button>
          <button class="note" data-mode="internal" aria-pressed=${d.mode === 'internal'} aria-keyshortcuts="n" @click=${() => this.setMode('internal')}>Internal note</button>
        </div>
        <ib-button class="save-canned" variant="ghost" @click=${() => void this.saveCanned()}>Save as canned response</ib-button>
        <ib-button class="attach" variant="ghost" @click=${() => (this.renderRoot.querySelector('input[type=file]') as HTMLInputElement).click()}>Attach files</ib-button>
        <input type="file" multiple aria-label="Attach files" @change=${this.onFiles} />
      </div>
      ${d.files.length || d.uploading
        ? html`<ul class="files" aria-label="Files to send">
            ${d.files.map((f) => html`<li class="chip">${f.filename} (${formatSize(f.size)})<button aria-label="Remove ${f.filename}" @click=${() => this.removeFile(f.id)}>×</button></li>`)}
            ${d.uploading ? html`<li class="chip uploading">uploading ${d.uploading} file(s)…</li>` : nothing}
          </ul>`
        : nothing}
      <div class="canned-anchor">
      ${this.slash.menu(() => this.textarea)}
      <textarea
        class="field"
        aria-label=${d.mode === 'internal' ? 'Internal note' : 'Reply'}
        placeholder=${d.mode === 'internal' ? 'Note for your team (the visitor never sees it)' : this.replyHint()}
        .value=${live(d.text)}
        @input=${this.onInput}
        aria-autocomplete="list"
        aria-controls=${a.controls ?? nothing}
        aria-activedescendant=${a.active ?? nothing}
        @keydown=${this.onKey}
        @click=${(e: Event) => this.slash.check(e.target as HTMLTextAreaElement)}
        @keyup=${(e: KeyboardEvent) => ['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key) && this.slash.check(e.target as HTMLTextAreaElement)}
        @blur=${() => this.slash.close()}
      ></textarea>
      </div>
      <ib-canned-save></ib-canned-save>
      <div class="hint"><span class="keys">Enter to send · Shift+Enter for a new line · / for canned responses · Esc to leave</span><span class="error" role="alert">${this.error}</span></div>
    `;
  }
}
customElements.define('ib-composer', IbComposer);
