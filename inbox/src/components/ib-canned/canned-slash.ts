import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { CannedResponse } from '@support/protocol';
import { searchCanned } from '../../lib/canned.js';

/** `/` at the start of a word, then what is typed of a short code, up to the caret. */
const SLASH = /(?:^|\s)\/([\p{L}\p{N}_-]{0,40})$/u;
/** Search waits this long after the last keystroke (ms). */
const DEBOUNCE_MS = 120;
/** Choices shown at most. */
const LIMIT = 8;

/**
 * The `/` menu of a composer: typing `/` at the start of a word opens a list of the canned
 * responses the member sees, searched with what follows the `/` (short code first, then title,
 * then body). The textarea keeps focus and points at the active choice (`aria-activedescendant`);
 * Up and Down move, Enter or Tab insert, Escape closes; a click inserts too.
 * The host calls `check(textarea)` after input and caret moves, `keydown(e)` first in its key
 * handler, and renders `menu(pick)` next to the textarea with `attrs()` on it.
 */
export class CannedSlash implements ReactiveController {
  open = false;
  items: CannedResponse[] = [];
  active = 0;
  loading = false;
  failed = '';
  query = '';
  /** Where the `/` is in the text. */
  start = -1;
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly id: string,
    private readonly onPick: (r: CannedResponse, from: number, to: number) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected() {
    this.close();
  }

  /** Opens, follows or closes the menu by the text before the caret. */
  check(t: HTMLTextAreaElement) {
    const caret = t.selectionStart;
    const m = caret === t.selectionEnd ? SLASH.exec(t.value.slice(0, caret)) : null;
    if (!m) return this.close();
    const query = m[1]!;
    const start = caret - query.length - 1;
    if (this.open && query === this.query && start === this.start) return;
    this.open = true;
    this.query = query;
    this.start = start;
    this.search();
  }

  private search() {
    clearTimeout(this.timer);
    const seq = ++this.seq;
    this.loading = true;
    this.host.requestUpdate();
    this.timer = setTimeout(async () => {
      try {
        const items = await searchCanned(this.query, LIMIT);
        if (seq !== this.seq) return;
        this.items = items;
        this.failed = '';
      } catch (err) {
        if (seq !== this.seq) return;
        this.items = [];
        this.failed = (err as Error).message;
      }
      this.active = 0;
      this.loading = false;
      this.host.requestUpdate();
    }, DEBOUNCE_MS);
  }

  close() {
    clearTimeout(this.timer);
    this.seq++;
    if (!this.open) return;
    this.open = false;
    this.items = [];
    this.loading = false;
    this.host.requestUpdate();
  }

  /** Handles the menu's keys while it is open; true when the key was the menu's. */
  keydown(e: KeyboardEvent, t: HTMLTextAreaElement): boolean {
    if (!this.open || e.isComposing) return false;
    const n = this.items.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (n) this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
    } else if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
      if (!n) {
        if (e.key === 'Tab') return false;
        this.close();
        return false;
      }
      this.pick(this.items[this.active]!, t);
    } else if (e.key === 'Escape') this.close();
    else return false;
    e.preventDefault();
    this.host.requestUpdate();
    return true;
  }

  pick(r: CannedResponse, t: HTMLTextAreaElement) {
    const from = this.start;
    const to = t.selectionStart;
    this.close();
    this.onPick(r, from, to);
  }

  /** Attributes of the textarea: it controls the list and points at the active choice. */
  attrs() {
    const on = this.open && this.items.length > 0;
    return { controls: this.open ? this.id : undefined, active: on ? `${this.id}-${this.active}` : undefined };
  }

  /** What the menu says under its list (and to screen readers): how many, or why none. */
  private statusText(): string {
    if (!this.open) return '';
    return this.loading && !this.items.length
      ? 'Searching…'
      : this.failed
        ? `Canned responses could not be loaded: ${this.failed}`
        : this.items.length
          ? `${this.items.length} canned response${this.items.length === 1 ? '' : 's'}: Up and Down to choose, Enter to insert, Escape to close`
          : this.query
            ? `No canned response matches /${this.query}`
            : 'No canned responses yet: write a reply and save it with “Save as canned response”';
  }

  /**
   * The list, above the textarea, and a live region that is always there (so that what it
   * says when the menu opens is read out). `t` is the textarea (for clicks).
   */
  menu(t: () => HTMLTextAreaElement) {
    const status = this.statusText();
    return html`<p class="visually-hidden" role="status">${status}</p>${this.open ? this.pop(status, t) : nothing}`;
  }

  private pop(status: string, t: () => HTMLTextAreaElement) {
    return html`<div class="canned-pop">
      <ul class="canned-list" id=${this.id} role="listbox" aria-label="Canned responses" ?hidden=${!this.items.length}>
        ${this.items.map((r, i) => html`<li id="${this.id}-${i}" role="option" aria-selected=${i === this.active ? 'true' : 'false'}
            @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.pick(r, t())} @mousemove=${() => this.hover(i)}>
            <span class="canned-code">/${r.shortCode}</span><span class="canned-title">${r.title}</span>
            <span class="canned-body">${r.body}</span>
          </li>`)}
      </ul>
      <p class="canned-status" aria-hidden="true">${status}</p>
    </div>`;
  }

  private hover(i: number) {
    if (this.active === i) return;
    this.active = i;
    this.host.requestUpdate();
  }
}

/** The look of the menu, for the composer's styles. */
export const cannedSlashStyles = css`
  .canned-anchor { position: relative; }
  .canned-pop {
    position: absolute; left: 0; right: 0; bottom: calc(100% + 4px); z-index: 5; background: var(--ib-bg); color: var(--ib-text);
    border: 1px solid var(--ib-border); border-radius: var(--ib-radius); box-shadow: var(--ib-shadow-lg); overflow: hidden;
  }
  .canned-list { list-style: none; margin: 0; padding: 4px; max-height: 264px; overflow-y: auto; }
  .canned-list li {
    display: grid; grid-template-columns: auto 1fr; column-gap: var(--ib-space-2); padding: 6px var(--ib-space-2);
    border-radius: var(--ib-radius); cursor: pointer;
  }
  .canned-list li[aria-selected='true'] { background: var(--ib-bg-selected); box-shadow: inset 2px 0 0 var(--ib-accent); }
  .canned-code { font-family: var(--ib-font-mono); font-weight: 600; color: var(--ib-accent); }
  .canned-title { font-weight: 500; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .canned-body { grid-column: 1 / -1; color: var(--ib-text-muted); font-size: var(--ib-text-sm); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .canned-status { margin: 0; padding: 6px var(--ib-space-3); font-size: var(--ib-text-sm); color: var(--ib-text-muted); border-top: 1px solid var(--ib-border-muted); }
  .canned-list[hidden] + .canned-status { border-top: 0; }
`;
