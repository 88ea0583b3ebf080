import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Holiday } from '@support/protocol';
import { closeIcon } from '../../lib/icons.js';
import { hoursText, parseHours, type OverrideInput } from './calendar-form.js';
import '../../components/ib-button/ib-button.js';

/** What the date tables need from the page: the lists, their issues (shown once an entry was left, or all after a save), and how to change them. */
export type DatesProps<T> = {
  list: T[];
  issues: Map<number, string>;
  shown: (key: string) => boolean;
  touch: (key: string) => void;
  change: (list: T[]) => void;
};

const removeButton = (label: string, onClick: () => void) =>
  html`<ib-button icon size="sm" variant="ghost" label=${label} @click=${onClick}>${closeIcon}</ib-button>`;

/** The holidays table: a date and a name per row, each removable; issues under their row. */
export function holidaysTable(p: DatesProps<Holiday>) {
  if (!p.list.length) return html`<p class="section-text">No holidays. Add the days the team is off, or import them from an .ics file.</p>`;
  const set = (i: number, patch: Partial<Holiday>) => p.change(p.list.map((h, j) => (j === i ? { ...h, ...patch } : h)));
  return html`<table class="grid-table dates">
    <caption class="visually-hidden">Holidays</caption>
    <thead><tr><th scope="col" style="width:180px">Date</th><th scope="col">Name</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
    <tbody>${p.list.map((h, i) => {
      const err = p.shown(`h${i}`) ? (p.issues.get(i) ?? '') : '';
      return html`<tr @focusout=${() => p.touch(`h${i}`)}>
        <td><input class="field" type="date" aria-label="Holiday ${i + 1} date" data-holiday=${i} aria-invalid=${err ? 'true' : 'false'} .value=${live(h.date)}
          @input=${(e: Event) => set(i, { date: (e.target as HTMLInputElement).value })} /></td>
        <td><input class="field" aria-label="Holiday ${i + 1} name" autocomplete="off" aria-invalid=${err ? 'true' : 'false'} aria-describedby=${err ? `hol-${i}` : nothing} .value=${live(h.name)}
          @input=${(e: Event) => set(i, { name: (e.target as HTMLInputElement).value })} />
          ${err ? html`<span class="issue" id="hol-${i}">${err}</span>` : nothing}</td>
        <td style="width:40px">${removeButton(`Remove holiday ${h.name || i + 1}`, () => p.change(p.list.filter((_, j) => j !== i)))}</td>
      </tr>`;
    })}</tbody>
  </table>`;
}

/** The overrides table: a date, its hours as text ("10:00–14:00, 15:00–17:00"; empty: closed all day) and an optional name. */
export function overridesTable(p: DatesProps<OverrideInput>) {
  if (!p.list.length) return html`<p class="section-text">No special days. Add one to close early, open on a weekend, or close for a day that is no holiday.</p>`;
  const set = (i: number, patch: Partial<OverrideInput>) => p.change(p.list.map((o, j) => (j === i ? { ...o, ...patch } : o)));
  return html`<table class="grid-table dates">
    <caption class="visually-hidden">Special days</caption>
    <thead><tr><th scope="col" style="width:180px">Date</th><th scope="col">Hours (empty: closed)</th><th scope="col">Name</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
    <tbody>${p.list.map((o, i) => {
      const err = p.shown(`o${i}`) ? (p.issues.get(i) ?? '') : '';
      return html`<tr @focusout=${() => p.touch(`o${i}`)}>
        <td><input class="field" type="date" aria-label="Special day ${i + 1} date" data-override=${i} aria-invalid=${err ? 'true' : 'false'} .value=${live(o.date)}
          @input=${(e: Event) => set(i, { date: (e.target as HTMLInputElement).value })} /></td>
        <td><input class="field" aria-label="Special day ${i + 1} hours" placeholder="Closed" autocomplete="off" aria-invalid=${err ? 'true' : 'false'}
          aria-describedby=${err ? `ovr-${i}` : nothing} .value=${live(hoursText(o.intervals))}
          @change=${(e: Event) => set(i, { intervals: parseHours((e.target as HTMLInputElement).value) })} />
          ${err ? html`<span class="issue" id="ovr-${i}">${err}</span>` : nothing}</td>
        <td><input class="field" aria-label="Special day ${i + 1} name" autocomplete="off" .value=${live(o.name ?? '')}
          @input=${(e: Event) => set(i, { name: (e.target as HTMLInputElement).value })} /></td>
        <td style="width:40px">${removeButton(`Remove special day ${o.date || i + 1}`, () => p.change(p.list.filter((_, j) => j !== i)))}</td>
      </tr>`;
    })}</tbody>
  </table>`;
}
