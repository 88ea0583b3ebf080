// A test page with every shared inbox component in its states (bundled by test/support/fixture-page.ts).
import { html, render } from 'lit';
import { controls, tokens } from '../../../inbox/src/styles/tokens.js';
import { toast } from '../../../inbox/src/components/ib-toast/ib-toast.js';
import '../../../inbox/src/components/ib-button/ib-button.js';
import '../../../inbox/src/components/ib-select/ib-select.js';
import '../../../inbox/src/components/ib-field/ib-field.js';
import '../../../inbox/src/components/ib-dialog/ib-dialog.js';
import '../../../inbox/src/components/ib-table/ib-table.js';
import '../../../inbox/src/components/ib-empty/ib-empty.js';
import type { TableColumn } from '../../../inbox/src/components/ib-table/ib-table.js';
import type { IbDialog } from '../../../inbox/src/components/ib-dialog/ib-dialog.js';

type Person = { id: string; name: string; email: string; role: string; tickets: number };
const people: Person[] = [
  { id: 'u1', name: 'Ana Lima', email: 'ana@example.test', role: 'Owner', tickets: 12 },
  { id: 'u2', name: 'bo Chen', email: 'bo@example.test', role: 'Agent', tickets: 3 },
  { id: 'u3', name: 'Cleo Park', email: 'cleo@example.test', role: 'Admin', tickets: 27 },
];
const columns: TableColumn<Person>[] = [
  { key: 'name', label: 'Name', sortable: true, rowHeader: true },
  { key: 'email', label: 'Email', sortable: true },
  { key: 'role', label: 'Role' },
  { key: 'tickets', label: 'Open tickets', sortable: true, align: 'end' },
];
const roles = [
  { value: 'agent', label: 'Agent' },
  { value: 'admin', label: 'Admin' },
  { value: 'sales', label: 'Sales', group: 'Custom roles' },
  { value: 'billing', label: 'Billing', group: 'Custom roles' },
];

/** What the page saw, for the test to read. */
const seen = { clicks: [] as string[], submits: 0, changes: [] as string[], closes: [] as string[], sorts: [] as string[], activated: [] as string[] };
(window as unknown as { seen: typeof seen }).seen = seen;

document.adoptedStyleSheets = [tokens.styleSheet!, controls.styleSheet!];
document.body.style.cssText = 'margin:0;background:var(--ib-bg-canvas);color:var(--ib-text);font-family:var(--ib-font-family);font-size:var(--ib-text-base);line-height:var(--ib-line)';
const section = 'background:var(--ib-bg);border:1px solid var(--ib-border-muted);border-radius:var(--ib-radius-lg);padding:var(--ib-space-4);margin:0 0 var(--ib-space-4)';
const row = 'display:flex;flex-wrap:wrap;gap:var(--ib-space-2);align-items:center;margin-bottom:var(--ib-space-3)';
const click = (what: string) => () => seen.clicks.push(what);
const dialog = () => document.querySelector('ib-dialog') as IbDialog;

render(
  html`<main style="max-width:760px;margin:0 auto;padding:var(--ib-space-4)">
    <h1 style="font-size:var(--ib-text-xl);margin:0 0 var(--ib-space-4)">Components</h1>
    <section style=${section} aria-label="Buttons">
      <div style=${row}>
        <ib-button variant="primary" @click=${click('primary')}>Save changes</ib-button>
        <ib-button @click=${click('secondary')}>Cancel</ib-button>
        <ib-button variant="danger" @click=${click('danger')}>Delete inbox</ib-button>
        <ib-button variant="ghost" @click=${click('ghost')}>Attach files</ib-button>
        <ib-button icon label="Delete" variant="ghost" @click=${click('icon')}>✕</ib-button>
      </div>
      <div style=${row}>
        <ib-button size="sm" @click=${click('sm')}>Small</ib-button>
        <ib-button size="lg" variant="primary" @click=${click('lg')}>Large</ib-button>
        <ib-button disabled @click=${click('disabled')}>Disabled</ib-button>
        <ib-button variant="primary" loading id="loading" @click=${click('loading')}>Saving</ib-button>
        <ib-button .pressed=${false} @click=${click('toggle')}>Toggle</ib-button>
        <ib-button href="#elsewhere">A link</ib-button>
      </div>
    </section>
    <section style=${section} aria-label="Form">
      <form id="form" novalidate style="display:grid;gap:var(--ib-space-3);max-width:420px" @submit=${(e: Event) => (e.preventDefault(), seen.submits++)}>
        <ib-field label="Name" hint="As your customers will see it." required><input class="field" name="name" /></ib-field>
        <ib-field label="Email" error="Enter an email address like ana@example.com"><input class="field" name="email" type="email" value="ana@" /></ib-field>
        <ib-field label="Role" hint="What this person may do.">
          <ib-select name="role" .options=${roles} value="agent" @ib-change=${(e: CustomEvent<{ value: string }>) => seen.changes.push(e.detail.value)}></ib-select>
        </ib-field>
        <ib-field label="Signature"><textarea class="field" name="signature" rows="2"></textarea></ib-field>
        <div style="display:flex;gap:var(--ib-space-2)"><ib-button type="submit" variant="primary">Save</ib-button><ib-button type="reset">Reset</ib-button></div>
      </form>
    </section>
    <section style=${section} aria-label="Dialog and notices">
      <div style=${row}>
        <ib-button id="open-dialog" @click=${() => dialog().show()}>Rename…</ib-button>
        <ib-button id="toast-ok" @click=${(e: Event) => toast(e.currentTarget!, 'Saved')}>Notify saved</ib-button>
        <ib-button id="toast-error" @click=${(e: Event) => toast(e.currentTarget!, 'Not saved: the name is already taken', 'error')}>Notify error</ib-button>
      </div>
      <ib-dialog label="Rename the inbox" @ib-close=${(e: CustomEvent<{ reason: string }>) => seen.closes.push(e.detail.reason)}>
        <p style="margin-top:0">The new name shows in the inbox list and in the widget.</p>
        <ib-field label="New name"><input class="field" name="rename" autofocus /></ib-field>
        <ib-button slot="footer" @click=${() => dialog().close()}>Cancel</ib-button>
        <ib-button slot="footer" variant="primary" @click=${() => dialog().close()}>Rename</ib-button>
      </ib-dialog>
    </section>
    <section style=${section} aria-label="Tables">
      <ib-table id="people" label="People" activatable .columns=${columns} .rows=${people} .sort=${{ key: 'name', dir: 'asc' }}
        @ib-sort=${(e: CustomEvent<{ key: string; dir: string }>) => seen.sorts.push(`${e.detail.key} ${e.detail.dir}`)}
        @ib-activate=${(e: CustomEvent<{ row: Person }>) => seen.activated.push(e.detail.row.id)}></ib-table>
      <div style="height:var(--ib-space-4)"></div>
      <ib-table id="letters" label="Dead letters" .columns=${columns} .rows=${[]}>
        <ib-empty slot="empty" icon="inbox" heading="No dead letters">Mail the inbox could not read would show here, with a way to retry it.</ib-empty>
      </ib-table>
    </section>
    <section style=${section} aria-label="Empty state">
      <ib-empty icon="search" heading="No tickets match “refund”">Try other words, a #number, or another status.
        <ib-button slot="actions">Clear the search</ib-button></ib-empty>
    </section>
  </main>
  <ib-toast></ib-toast>`,
  document.body,
);
