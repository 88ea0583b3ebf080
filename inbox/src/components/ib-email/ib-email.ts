import { LitElement, html, nothing } from 'lit';
import type { EmailOriginal, Message } from '@support/protocol';
import { emailOriginal } from '../../api.js';
import { emailIcon } from '../../lib/icons.js';
import { addressText, emailFragment, hasRemoteImages, loadRemoteImages } from '../../lib/email-html.js';
import { linkify } from '../../lib/linkify.js';
import { controls } from '../../styles/tokens.js';
import { collapseForward, FORWARD_LABEL, splitForward } from '../../lib/email-forward.js';
import { emailStyles } from './ib-email.styles.js';
import '../ib-button/ib-button.js';

/** Headers of the original shown above its body, in this order. */
const ORIGINAL_HEADERS = ['from', 'to', 'cc', 'date', 'subject'];

/** A stable element holding the email HTML (parsed once per string, a forward in it collapsed), for Lit to place. */
function htmlBlock(cache: Map<string, HTMLElement>, source: string): HTMLElement {
  let el = cache.get(source);
  if (!el) {
    el = document.createElement('div');
    el.className = 'html';
    el.append(emailFragment(source));
    collapseForward(el);
    cache.set(source, el);
  }
  return el;
}

/**
 * The email part of a message: subject, from/to/cc, the channel, and the body — the
 * sanitized `html` placed in this element's shadow root after a second client-side
 * allow-list pass (`emailFragment`), or `body` as text when `html` is null; a forwarded message
 * in either is collapsed under a "Forwarded message" summary (`details`, opened by keyboard). Remote images
 * load only after "Load remote images"; "Show original" fetches the unstripped email and
 * shows it the same way in place of the body, with a link to download the source when stored.
 */
export class IbEmail extends LitElement {
  static styles = [controls, emailStyles];
  static properties = { message: { attribute: false } };
  declare message: Message;
  private imagesLoaded = false;
  private showOriginal = false;
  private original: EmailOriginal | null = null;
  private originalError = '';
  private readonly blocks = new Map<string, HTMLElement>();

  updated() {
    if (this.imagesLoaded) loadRemoteImages(this.renderRoot);
  }

  private loadImages() {
    this.imagesLoaded = true;
    this.requestUpdate();
  }

  private async toggleOriginal() {
    this.showOriginal = !this.showOriginal;
    this.requestUpdate();
    if (!this.showOriginal || this.original) return;
    this.originalError = '';
    try {
      this.original = await emailOriginal(this.message.id);
    } catch (err) {
      this.originalError = `Could not load the original: ${(err as Error).message}`;
    }
    this.requestUpdate();
  }

  private body(source: string | null, text: string) {
    if (source) return htmlBlock(this.blocks, source);
    const split = splitForward(text);
    if (!split) return html`<div class="text">${linkify(text)}</div>`;
    return html`${split.note ? html`<div class="text">${linkify(split.note)}</div>` : nothing}
      <details class="forward"><summary>${FORWARD_LABEL}</summary><div class="text">${linkify(split.forward)}</div></details>`;
  }

  private renderOriginal() {
    const o = this.original;
    if (this.originalError) return html`<div class="original error" role="alert">${this.originalError}</div>`;
    if (!o) return html`<div class="original">Loading the original…</div>`;
    const headers = ORIGINAL_HEADERS.filter((h) => o.headers[h]);
    return html`<div class="original" aria-label="Original email">
      <dl class="headers">${headers.map((h) => html`<dt>${h}</dt><dd>${o.headers[h]}</dd>`)}</dl>
      ${this.body(o.html, o.text)}
    </div>`;
  }

  render() {
    const m = this.message;
    const e = m.email;
    if (!e) return nothing;
    const remote = hasRemoteImages(m.html) || (this.showOriginal && hasRemoteImages(this.original?.html));
    const canOriginal = e.hasOriginal || e.stripped;
    return html`
      <div class="meta">
        <div class="line"><span class="channel">${emailIcon} Email ${e.direction === 'in' ? 'received' : 'sent'}</span>${e.auto ? html`<span class="auto">automatic</span>` : nothing}
          <span aria-hidden="true">·</span> <span class="subject">${e.subject}</span></div>
        <div class="people"><span class="from">From: ${addressText(e.from)}</span>
          ${e.to.length ? html`<span class="to">To: ${e.to.map(addressText).join(', ')}</span>` : nothing}
          ${e.cc.length ? html`<span class="cc">Cc: ${e.cc.map(addressText).join(', ')}</span>` : nothing}</div>
      </div>
      ${this.showOriginal ? nothing : this.body(m.html, m.body)}
      ${this.showOriginal ? this.renderOriginal() : nothing}
      ${remote || canOriginal
        ? html`<div class="tools">
            ${remote && !this.imagesLoaded ? html`<ib-button class="images" size="sm" @click=${this.loadImages}>Load remote images</ib-button>` : nothing}
            ${canOriginal
              ? html`<ib-button class="show-original" size="sm" .expanded=${this.showOriginal} @click=${this.toggleOriginal}>${this.showOriginal ? 'Hide original' : 'Show original'}</ib-button>`
              : nothing}
            ${this.showOriginal && this.original?.hasRaw
              ? html`<a class="raw" href="/api/email/messages/${encodeURIComponent(m.id)}/raw" download>Download source (.eml)</a>`
              : nothing}
          </div>`
        : nothing}
    `;
  }
}
customElements.define('ib-email', IbEmail);
