import { html, nothing, svg, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { toast } from '../../components/ib-toast/ib-toast.js';
import { addLeaveGuard } from '../../lib/leave-guard.js';
import { saveFailure, validate, type FieldErrors, type Schema } from './form-errors.js';
import '../../components/ib-button/ib-button.js';

const REQUIRED = 'This field is required';

/** A form's values by field name (the `name` of its controls). */
export type FormValues = Record<string, string | boolean>;

export type FormOptions<V extends FormValues, R> = {
  /**
   * The zod schema of the request body, imported from `@support/protocol`: the server parses
   * the body with the same one. A function when it depends on the form's state (create or edit).
   */
  schema: Schema | (() => Schema);
  /** The values the form starts with (what counts as saved until `reset`). */
  values: V;
  /** Sends the body (`rest('PUT', …, body)`); resolves with what the server saved. */
  save: (body: Record<string, unknown>) => Promise<R>;
  /** The body of the values; default: the values without empty strings, plus `expectedUpdatedAt` (the server's stale-edit check) when the form has one. */
  toBody?: (values: V, updatedAt: string | undefined) => Record<string, unknown>;
  /** The saved state after a save: its values and `updatedAt` (default: the values sent, the same `updatedAt`). */
  saved?: (result: R) => { values?: V; updatedAt?: string };
  /** The notice after a save (default "Saved"), or a function of what the server saved. */
  savedText?: string | ((result: R) => string);
};

/**
 * The state and behaviour of one settings form, for a Lit screen (`new FormController(this, o)`):
 *
 * - Values: `values`, updated by the form's `input`/`change` events (`onInput`) from any control
 *   with a `name` (input, textarea, select, ib-select).
 * - Inline validation with the same zod schema as the server (`o.schema`): a field's error
 *   shows once the person has left it (`onBlur`), or after a submit, and clears as soon as
 *   it is fixed (`error(name)`; errors on no field: `formError`). An empty field is left
 *   out of the body; if the schema needs it, its error is "This field is required".
 * - `onSubmit` (the form's `submit`): everything checked, focus on the first wrong field;
 *   else `saving` while `o.save(body)` runs (a second submit waits), then "Saved" in the
 *   page's ib-toast, or why not: a 400 VALIDATION_FAILED's issues and a 409's `details.field`
 *   on their fields, a 409 STALE as `stale` with `formError` saying someone else saved first.
 * - The body carries the `updatedAt` the form was loaded with (`reset(values, updatedAt)`) as `expectedUpdatedAt`,
 *   so the server can refuse a stale edit; a successful save takes the new one (`o.saved`).
 * - While `dirty`, leaving (another page of the app, back/forward, closing the tab) asks first.
 *
 * Template: `<form novalidate @submit=${f.onSubmit} @input=${f.onInput} @change=${f.onInput}
 * @focusout=${f.onBlur}>`, `<ib-field .error=${f.error('name')}>`, controls with `name` and
 * `.value=${live(f.values.name)}`, `formAlert(f, reload)` above the buttons, and
 * `<ib-button type="submit" variant="primary" .loading=${f.saving}>`.
 */
export class FormController<V extends FormValues, R = unknown> implements ReactiveController {
  values: V;
  saving = false;
  stale = false;
  updatedAt: string | undefined;
  private saved: V;
  private clientErrors: FieldErrors = {};
  private serverErrors: FieldErrors = {};
  private readonly touched = new Set<string>();
  private submitted = false;
  private release: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly o: FormOptions<V, R>,
  ) {
    this.values = { ...o.values };
    this.saved = { ...o.values };
    host.addController(this);
  }

  hostConnected(): void {
    this.release = addLeaveGuard(() => this.dirty);
  }

  hostDisconnected(): void {
    this.release?.();
    this.release = null;
  }

  /** The fields of the form: the keys of its values. */
  get fields(): string[] {
    return Object.keys(this.saved);
  }

  /** Whether the values differ from the saved ones. */
  get dirty(): boolean {
    return JSON.stringify(this.values) !== JSON.stringify(this.saved);
  }

  /** Takes `values` (and their `updatedAt`) as the saved state: after loading, or to discard the edits. */
  reset(values: V, updatedAt?: string): void {
    this.values = { ...values };
    this.saved = { ...values };
    this.updatedAt = updatedAt;
    this.clientErrors = {};
    this.serverErrors = {};
    this.touched.clear();
    this.submitted = false;
    this.stale = false;
    this.host.requestUpdate();
  }

  /** The error shown on a field ('' for none). */
  error(name: keyof V & string): string {
    return this.clientErrors[name] ?? this.serverErrors[name] ?? '';
  }

  /** The error about the form as a whole ('' for none): a stale edit, a failure on no field. */
  get formError(): string {
    return this.clientErrors[''] ?? this.serverErrors[''] ?? '';
  }

  body(): Record<string, unknown> {
    if (this.o.toBody) return this.o.toBody(this.values, this.updatedAt);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.values)) if (v !== '') out[k] = v;
    if (this.updatedAt) out.expectedUpdatedAt = this.updatedAt;
    return out;
  }

  private check(): void {
    const schema = typeof this.o.schema === 'function' ? this.o.schema() : this.o.schema;
    const all = validate(schema, this.body(), this.fields);
    // An empty field is left out of the body: the schema's complaint is that it is missing.
    for (const k of Object.keys(all)) if (this.values[k] === '') all[k] = REQUIRED;
    this.clientErrors = Object.fromEntries(Object.entries(all).filter(([k]) => this.submitted || (k !== '' && this.touched.has(k))));
  }

  private nameOf(e: Event): string | null {
    const el = e.composedPath()[0] as HTMLInputElement | undefined;
    const name = el?.name;
    return name && name in this.values ? name : null;
  }

  /** `input` and `change` of the form's controls. */
  readonly onInput = (e: Event): void => {
    const name = this.nameOf(e);
    if (!name) return;
    const el = e.composedPath()[0] as HTMLInputElement;
    this.values = { ...this.values, [name]: el.type === 'checkbox' ? el.checked : el.value };
    delete this.serverErrors[name];
    if (this.clientErrors[name] || this.submitted) this.check();
    this.host.requestUpdate();
  };

  /**
   * `focusout` of the form's controls: the field was left, show what is wrong with it. Not
   * when it was left for the form's submit button: the submit checks everything, and an
   * error appearing between the press and the release would move the button from under
   * the pointer, so the click would miss it.
   */
  readonly onBlur = (e: Event): void => {
    const name = this.nameOf(e);
    if (!name) return;
    const to = (e as FocusEvent).relatedTarget as Element | null;
    if (to?.closest?.('ib-button[type=submit], button[type=submit]')) return;
    this.touched.add(name);
    this.check();
    this.host.requestUpdate();
  };

  readonly onSubmit = (e: Event): void => {
    e.preventDefault();
    void this.submit();
  };

  /** Checks and saves the form; true when it saved. */
  async submit(): Promise<boolean> {
    if (this.saving) return false;
    this.submitted = true;
    this.serverErrors = {};
    this.stale = false;
    this.check();
    if (Object.keys(this.clientErrors).length) {
      this.host.requestUpdate();
      await this.focusProblem();
      return false;
    }
    this.saving = true;
    this.host.requestUpdate();
    try {
      const result = await this.o.save(this.body());
      const next = this.o.saved?.(result) ?? {};
      this.saving = false;
      this.reset(next.values ?? this.values, next.updatedAt ?? this.updatedAt);
      const text = this.o.savedText;
      toast(this.host, typeof text === 'function' ? text(result) : (text ?? 'Saved'));
      return true;
    } catch (err) {
      const f = saveFailure(err, this.fields);
      this.saving = false;
      this.stale = f.stale;
      this.serverErrors = Object.keys(f.errors).length ? f.errors : { '': f.message };
      if (f.stale) this.serverErrors[''] = f.message;
      this.host.requestUpdate();
      toast(this.host, `Not saved: ${f.stale ? 'someone else saved this first' : f.message}`, 'error');
      await this.focusProblem();
      return false;
    }
  }

  /** Focus on the first field with an error (in the page's order), else on the form's alert. */
  private async focusProblem(): Promise<void> {
    await this.host.updateComplete;
    const root = this.host.shadowRoot ?? this.host;
    const controls = Array.from(root.querySelectorAll<HTMLElement & { name?: string }>('[name]'));
    const first = controls.find((c) => c.name && this.error(c.name as keyof V & string));
    (first ?? root.querySelector<HTMLElement>('.form-alert'))?.focus();
  }
}

const alertIcon = svg`<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" style="flex:none;margin-top:2px"><circle cx="8" cy="8" r="8" fill="var(--ib-danger)"/><path d="M8 4v5M8 11.6v.1" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/></svg>`;

/**
 * The form's problem that is on no field — a stale edit (with a Reload button calling
 * `reload`), a refusal without a field — or nothing. Focused after a refused save; styled
 * by `settingsCard` (`.form-alert`).
 */
export function formAlert(f: { formError: string; stale: boolean }, reload?: () => void) {
  if (!f.formError) return nothing;
  return html`<div class="form-alert" tabindex="-1">${alertIcon}<span class="form-alert-text">${f.formError}</span>
    ${f.stale && reload ? html`<ib-button size="sm" @click=${reload}>Reload</ib-button>` : nothing}</div>`;
}
