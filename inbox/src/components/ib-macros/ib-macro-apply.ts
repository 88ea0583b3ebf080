import { LitElement, css, html, nothing } from 'lit';
import type { ActionOutcome, Macro } from '@support/protocol';
import { rest } from '../../api.js';
import { outcomeStyles, renderOutcomes } from '../../lib/outcomes.js';
import { toast } from '../ib-toast/ib-toast.js';
import type { IbDialog } from '../ib-dialog/ib-dialog.js';
import '../ib-button/ib-button.js';
import '../ib-dialog/ib-dialog.js';

/** The outcomes of an answer: the list itself, or its `actions`. */
const outcomesOf = (x: unknown): ActionOutcome[] => (Array.isArray(x) ? (x as ActionOutcome[]) : ((x as { actions?: ActionOutcome[] } | null)?.actions ?? []));

/**
 * Applying a macro to a ticket, in a dialog: first the preview (`POST
 * /api/tickets/:id/macros/:macroId/preview`: each action's outcome sentence, nothing changed),
 * then Apply (`…/apply`) or Cancel; after applying, what each action did, failures marked in
 * words. Call `open(ticket, macro)`. Events: `ib-macro-applied` (`detail: { macroId, actions }`).
 */
export class IbMacroApply extends LitElement {
  static styles = [
    outcomeStyles,
    css`
      p { margin: 0 0 var(--ib-space-2); }
      .muted { color: var(--ib-text-muted); }
      .error { color: var(--ib-danger); font-weight: 500; }
      .done { font-weight: 600; }
    `,
  ];
  private ticket: { id: string; number: number } | null = null;
  private macro: Macro | null = null;
  private state: 'loading' | 'preview' | 'applying' | 'done' | 'failed' = 'loading';
  private outcomes: ActionOutcome[] = [];
  private error = '';

  private get dialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog')!;
  }

  /** Opens the dialog on `macro` for `ticket` and reads its preview. */
  async open(ticket: { id: string; number: number }, macro: Macro): Promise<void> {
    this.ticket = ticket;
    this.macro = macro;
    this.state = 'loading';
    this.outcomes = [];
    this.error = '';
    this.requestUpdate();
    await this.updateComplete;
    this.dialog.show();
    try {
      this.outcomes = outcomesOf(await rest('POST', this.url('preview')));
      this.state = 'preview';
    } catch (err) {
      this.error = (err as Error).message;
      this.state = 'failed';
    }
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('ib-button.apply')?.focus();
  }

  private url(what: 'preview' | 'apply') {
    return `/api/tickets/${encodeURIComponent(this.ticket!.id)}/macros/${encodeURIComponent(this.macro!.id)}/${what}`;
  }

  private async apply() {
    if (this.state !== 'preview') return;
    this.state = 'applying';
    this.requestUpdate();
    try {
      const r = await rest<{ ok?: boolean; message?: string }>('POST', this.url('apply'));
      if (r && r.ok === false && !outcomesOf(r).length) throw new Error(r.message ?? 'The macro could not be applied');
      this.outcomes = outcomesOf(r);
      const failed = this.outcomes.filter((o) => !o.ok).length;
      this.state = 'done';
      toast(this, failed ? `${this.macro!.name} applied; ${failed} action${failed === 1 ? '' : 's'} failed` : `${this.macro!.name} applied`, failed ? 'error' : 'success');
      this.dispatchEvent(new CustomEvent('ib-macro-applied', { detail: { macroId: this.macro!.id, actions: this.outcomes }, bubbles: true, composed: true }));
    } catch (err) {
      this.error = (err as Error).message;
      this.state = 'failed';
    }
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('ib-button.close')?.focus();
  }

  private renderBody() {
    const n = this.ticket ? `#${this.ticket.number}` : '';
    switch (this.state) {
      case 'loading':
        return html`<p role="status" class="muted">Reading what it would do…</p>`;
      case 'failed':
        return html`<p class="error" role="alert">${this.error}</p>`;
      case 'done':
        return html`<p class="done" role="status">Applied to ticket ${n}:</p>${renderOutcomes(this.outcomes, 'What each action did')}`;
      default:
        return html`${this.macro?.description ? html`<p class="muted">${this.macro.description}</p>` : nothing}
          <p>On ticket ${n} it will:</p>${renderOutcomes(this.outcomes, 'What each action would do')}`;
    }
  }

  render() {
    const done = this.state === 'done' || this.state === 'failed';
    return html`<ib-dialog size="md" label=${this.state === 'done' ? `${this.macro?.name ?? 'Macro'} applied` : `Apply ${this.macro?.name ?? 'macro'}?`}>
      ${this.renderBody()}
      ${done
        ? html`<ib-button slot="footer" class="close" variant="primary" @click=${() => this.dialog.close()}>Done</ib-button>`
        : html`<ib-button slot="footer" @click=${() => this.dialog.close()}>Cancel</ib-button>
            <ib-button slot="footer" class="apply" variant="primary" .loading=${this.state === 'loading' || this.state === 'applying'} @click=${() => void this.apply()}>Apply</ib-button>`}
    </ib-dialog>`;
  }
}
customElements.define('ib-macro-apply', IbMacroApply);
