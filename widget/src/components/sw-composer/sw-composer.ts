import { LitElement, css, html, nothing } from 'lit';
import type { Attachment } from '@support/protocol';
import type { ChatClient } from '../../chat/client.js';
import { sizeLabel } from '../../chat/files.js';

/**
 * The message field: Enter sends, Shift+Enter adds a line; typing is reported to the agents.
 * The paperclip uploads files at once (they ride with the next message, also when it waits
 * in the outbox); a file over `max` bytes, or picked while offline, is refused with a note.
 */
export class SwComposer extends LitElement {
  static properties = { client: { attribute: false }, max: { type: Number }, files: { state: true }, note: { state: true } };
  declare client: ChatClient;
  declare max: number;
  declare files: Attachment[];
  declare note: string;
  static styles = css`
    form { display: flex; flex-wrap: wrap; gap: 8px; padding: 10px; border-top: 1px solid var(--soft); }
    textarea { flex: 1; resize: none; font: inherit; color: inherit; background: var(--soft); border: 0; border-radius: 10px; padding: 8px 10px; max-height: 120px; }
    button { border: 0; border-radius: 10px; background: var(--accent); color: #fff; font: inherit; padding: 0 14px; cursor: pointer; }
    .clip { background: none; color: inherit; padding: 0 8px; }
    .row { flex-basis: 100%; margin: 0; font-size: 12px; display: flex; flex-wrap: wrap; gap: 6px; }
    .row button { background: var(--soft); color: inherit; padding: 2px 8px; font-size: 12px; }
    :focus-visible { outline: 2px solid var(--ring); outline-offset: 2px; }
  `;

  constructor() {
    super();
    this.files = [];
    this.note = '';
  }

  private get field(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  focus(): void {
    this.field?.focus();
  }

  private submit(e?: Event) {
    e?.preventDefault();
    const f = this.field;
    const files = this.files;
    if (!f || (!f.value.trim() && !files.length)) return;
    this.client.send(f.value.trim() ? f.value : files.map((a) => a.filename).join(', '), files);
    f.value = '';
    this.files = [];
    this.note = '';
  }

  private key(e: KeyboardEvent) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) this.submit(e);
  }

  private async pick(e: Event) {
    const input = e.target as HTMLInputElement;
    const picked = Array.from(input.files ?? []);
    input.value = '';
    for (const file of picked) {
      const name = `“${file.name}”`;
      const big = `${name} is too large: files can be at most ${sizeLabel(this.max)}.`;
      if (file.size > this.max) {
        this.note = big;
        continue;
      }
      this.note = `Uploading ${name}…`;
      const r = await this.client.upload(file);
      if (r.ok) this.files = [...this.files, r.data];
      this.note = r.ok
        ? ''
        : r.error.code === 'PAYLOAD_TOO_LARGE'
          ? big
          : r.error.code === 'UNAVAILABLE'
            ? `You are offline: ${name} was not attached. Attach it again when you are back online.`
            : `Could not attach ${name}. Please try again.`;
    }
  }

  render() {
    return html`<form part="composer" @submit=${this.submit}>
      <button type="button" class="clip" aria-label="Attach a file" @click=${() => this.renderRoot.querySelector('input')?.click()}>
        <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M16 6v10a4 4 0 0 1-8 0V5a3 3 0 0 1 6 0v10a1 1 0 0 1-2 0V6" /></svg>
      </button>
      <input type="file" multiple hidden @change=${this.pick} />
      <textarea rows="2" maxlength="10000" aria-label="Message" placeholder="Write a message…" @keydown=${this.key} @input=${() => this.client.typing()}></textarea>
      <button type="submit">Send</button>
      ${this.files.length
        ? html`<p class="row">${this.files.map(
            (a) => html`<button type="button" class="file" aria-label="Remove ${a.filename}" @click=${() => (this.files = this.files.filter((b) => b !== a))}>${a.filename} (${sizeLabel(a.size)}) ×</button>`,
          )}</p>`
        : nothing}
      ${this.note ? html`<p class="row note" role="status">${this.note}</p>` : nothing}
    </form>`;
  }
}
if (!customElements.get('sw-composer')) customElements.define('sw-composer', SwComposer);
