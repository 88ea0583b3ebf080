import { LitElement, html, type PropertyValues, type TemplateResult } from 'lit';
import type { Agent } from '@support/protocol';
import { rest } from '../../api.js';
import { backIcon } from '../../lib/icons.js';
import { navigate, settingsUrl, type SettingsArea } from '../../lib/route.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import type { Schema } from '../form/form-errors.js';
import { FormController, type FormValues } from '../form/form-controller.js';
import { PhoneController } from './people-ui.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-button/ib-button.js';

/** An item such an area lists and edits. */
export type NamedItem = { id: string; name: string; createdAt: string; updatedAt: string };

/**
 * A settings area of named items (Teams, Roles): `/inbox/settings/<area>` lists them,
 * `/inbox/settings/<area>/<id>` edits one and `…/new` creates one, with one form whose values
 * follow the URL (`valuesOf`), validated with the create or the update schema, sent with the
 * item's `updatedAt` (409 STALE when someone saved first); a created item's page replaces
 * `…/new`. `deleteCurrent` deletes after the page's `ib-dialog.delete` asked.
 * Subclasses give `area`, `noun`, `endpoint`, `schemas`, `fetchItems`, `valuesOf`, `bodyOf`
 * and the two renders. Properties: `agent`, `itemId`. Events: `ib-navigate`.
 */
export abstract class ItemArea<T extends NamedItem> extends LitElement {
  static properties = { agent: { attribute: false }, itemId: { attribute: false } };
  declare agent: Agent | null;
  declare itemId: string | null;
  protected items: T[] = [];
  protected loaded = false;
  protected loadError = '';
  protected deleting = false;
  protected readonly screen = new PhoneController(this);
  /** What the last save answered. */
  private last: T | null = null;

  protected abstract readonly area: SettingsArea;
  /** "Team", "Role": in notices. */
  protected abstract readonly noun: string;
  /** `/api/settings/teams`: GET lists, POST creates, PATCH and DELETE `/<id>`. */
  protected abstract readonly endpoint: string;
  protected abstract readonly schemas: { create: Schema; update: Schema };
  /** Reads the items (and whatever else the pages show). */
  protected abstract fetchItems(): Promise<T[]>;
  /** The form's values for an item (null: a new one). */
  protected abstract valuesOf(item: T | null): FormValues;
  /** The request body of the form's values (without `expectedUpdatedAt`). */
  protected abstract bodyOf(values: FormValues): Record<string, unknown>;
  protected abstract renderList(): unknown;
  protected abstract renderItem(item: T | null): unknown;

  protected readonly form = new FormController<FormValues, T>(this, {
    schema: () => (this.current ? this.schemas.update : this.schemas.create),
    values: { name: '' },
    toBody: (v, updatedAt) => ({ ...this.bodyOf(v), ...(updatedAt && this.current ? { expectedUpdatedAt: updatedAt } : {}) }),
    save: async (body) => (this.last = await (this.current ? rest<T>('PATCH', `${this.endpoint}/${this.current.id}`, body) : rest<T>('POST', this.endpoint, body))),
    saved: (item) => ({ values: this.valuesOf(item), updatedAt: item.updatedAt }),
    savedText: (item) => `${this.noun} ${item.name} ${item.createdAt === item.updatedAt ? 'created' : 'saved'}`,
  });

  constructor() {
    super();
    this.agent = null;
    this.itemId = null;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  protected willUpdate(changed: PropertyValues<this>) {
    if (changed.has('itemId') && this.loaded) this.fillForm();
  }

  /** Reads the items again; the form takes the current item's values. */
  protected async load() {
    try {
      this.items = await this.fetchItems();
      this.loaded = true;
      this.loadError = '';
      this.fillForm();
    } catch (err) {
      this.loadError = (err as Error).message;
    }
    this.requestUpdate();
  }

  /** The item the URL names (null for the list and for `new`). */
  protected get current(): T | null {
    return this.items.find((t) => t.id === this.itemId) ?? null;
  }

  private fillForm() {
    this.form.reset(this.valuesOf(this.current), this.current?.updatedAt);
  }

  /** The form's submit: saves; a new item's page then replaces `…/new`. */
  protected async submit(e: Event) {
    e.preventDefault();
    const creating = !this.current;
    if (!(await this.form.submit()) || !this.last) return;
    const saved = this.last;
    this.items = [...this.items.filter((t) => t.id !== saved.id), saved].sort((a, b) => a.name.localeCompare(b.name));
    if (creating) navigate(this, settingsUrl(this.area, saved.id), true);
    this.requestUpdate();
  }

  protected deleteDialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog.delete') as IbDialog;
  }

  /** Deletes the current item (the delete dialog asked), then goes back to the list; a refusal is said in the toast. */
  protected async deleteCurrent() {
    const item = this.current;
    if (!item || this.deleting) return;
    this.deleting = true;
    this.requestUpdate();
    try {
      await rest('DELETE', `${this.endpoint}/${item.id}`);
      this.items = this.items.filter((t) => t.id !== item.id);
      this.form.reset(this.valuesOf(null));
      this.deleteDialog().close();
      toast(this, `${this.noun} ${item.name} deleted`);
      navigate(this, settingsUrl(this.area));
    } catch (err) {
      this.deleteDialog().close();
      toast(this, `Not deleted: ${(err as Error).message}`, 'error');
    } finally {
      this.deleting = false;
      this.requestUpdate();
    }
  }

  /** The items, lower case, in "All teams", "Loading teams…" (default: the noun and an s). */
  protected get plural(): string {
    return `${this.noun.toLowerCase()}s`;
  }

  /** "All teams" above an item's page. */
  protected backLink(): TemplateResult {
    return html`<a class="back" href=${settingsUrl(this.area)}>${backIcon}All ${this.plural}</a>`;
  }

  render() {
    const plural = this.plural;
    if (this.loadError)
      return html`<ib-empty icon="missing" heading="The ${plural} could not be loaded">${this.loadError}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    if (!this.loaded) return html`<p class="loading" role="status">Loading ${plural}…</p>`;
    if (!this.itemId) return this.renderList();
    const item = this.current;
    if (this.itemId !== 'new' && !item)
      return html`${this.backLink()}<ib-empty icon="missing" heading="There is no such ${this.noun.toLowerCase()}">It may have been deleted.
        <a slot="actions" href=${settingsUrl(this.area)}>See all ${plural}</a></ib-empty>`;
    return this.renderItem(item);
  }
}
