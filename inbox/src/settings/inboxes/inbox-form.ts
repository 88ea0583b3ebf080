import { html } from 'lit';
import type { InboxDetail } from '@support/protocol';
import type { FormController, FormValues } from '../form/form-controller.js';
import '../../components/ib-button/ib-button.js';

/**
 * Keeps an inbox form in step with the inbox the page holds (call it from `willUpdate` when
 * `inbox` changed): another inbox, a reload the person asked for, or nothing typed shows what
 * the server has; otherwise the edits stay and the form takes the new `updatedAt` (a save of
 * another part of the page moved it, so the next save is not refused as stale).
 */
export function followInbox<V extends FormValues>(form: FormController<V, InboxDetail>, o: { before: InboxDetail | undefined; inbox: InboxDetail; reload: boolean; values: (i: InboxDetail) => V }): void {
  if (!o.before || o.before.id !== o.inbox.id || o.reload || !form.dirty) form.reset(o.values(o.inbox), o.inbox.updatedAt);
  else form.updatedAt = o.inbox.updatedAt;
}

/** A settings form's buttons: "Discard changes" (back to `saved`) and Save. */
export function formButtons<V extends FormValues>(form: FormController<V, InboxDetail>, saved: () => V, updatedAt: string) {
  return html`<div class="form-actions">
    <ib-button ?disabled=${!form.dirty || form.saving} @click=${() => form.reset(saved(), updatedAt)}>Discard changes</ib-button>
    <ib-button type="submit" variant="primary" .loading=${form.saving}>Save</ib-button>
  </div>`;
}
