import { css, unsafeCSS } from 'lit';

/** Row height in px: rows are fixed-height so the window is plain arithmetic. */
export const ROW_HEIGHT = 80;
/** Each of a row's three lines has this fixed height (px), so no line can squeeze another. */
const LINE = 20;

export const listStyles = css`
  :host { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid var(--ib-border-muted); background: var(--ib-bg); }
  .filters { padding: var(--ib-space-2) var(--ib-space-3) var(--ib-space-3); display: flex; flex-direction: column; gap: var(--ib-space-2); border-bottom: 1px solid var(--ib-border-muted); }
  .selects { display: grid; grid-template-columns: 1fr 1fr; gap: var(--ib-space-2); }
  .search-sort { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: var(--ib-space-2); }
  input[type='search'] { width: 100%; }
  [role='tabpanel'] { flex: 1; min-height: 0; display: flex; flex-direction: column; }
  .scroller { flex: 1; overflow-y: auto; position: relative; contain: strict; }
  .scroller:focus-visible { outline: none; }
  .scroller.none { flex: none; height: 0; }
  .scroller.none:focus-visible + .empty { outline: 2px solid var(--ib-focus); outline-offset: -4px; }
  .row {
    position: absolute; left: 0; right: 0; height: ${unsafeCSS(ROW_HEIGHT)}px; box-sizing: border-box; padding: var(--ib-space-2) var(--ib-space-3);
    border-bottom: 1px solid var(--ib-border-muted); cursor: pointer;
    display: grid; grid-template-columns: minmax(0, 1fr) auto; grid-template-rows: repeat(3, ${unsafeCSS(LINE)}px); gap: 2px var(--ib-space-2);
    align-items: center; line-height: ${unsafeCSS(LINE)}px;
  }
  .row > * { min-width: 0; overflow: hidden; white-space: nowrap; }
  .row:hover { background: var(--ib-bg-hover); }
  .row[aria-selected='true'] { background: var(--ib-bg-selected); box-shadow: inset 3px 0 0 var(--ib-accent); }
  .scroller:focus-visible .row.active { outline: 2px solid var(--ib-focus); outline-offset: -2px; }
  .who { font-weight: 600; text-overflow: ellipsis; display: flex; align-items: center; gap: 6px; }
  .who .name { overflow: hidden; text-overflow: ellipsis; }
  .icon { color: var(--ib-text-muted); display: inline-flex; flex: none; }
  .count { color: var(--ib-text-muted); font-weight: 400; font-size: var(--ib-text-sm); flex: none; }
  .when { color: var(--ib-text-muted); font-size: var(--ib-text-sm); text-align: right; }
  .preview { color: var(--ib-text-muted); font-size: var(--ib-text-md); text-overflow: ellipsis; }
  .row.unread-row .preview { color: var(--ib-text); }
  .row.unread-row .name { font-weight: 700; }
  .end { display: flex; justify-content: flex-end; align-items: center; }
  .meta { display: flex; gap: var(--ib-space-1); align-items: center; }
  .chip.prio-high { background: var(--ib-warning-subtle); color: var(--ib-warning-text); }
  .chip.prio-urgent { background: var(--ib-danger-subtle); color: var(--ib-danger); font-weight: 600; }
  .chip.prio-low { color: var(--ib-text-muted); }
  /* SLA countdown: neutral in time, amber in the warning lead, red once breached (text 4.5:1 on each). */
  .chip.sla { font-variant-numeric: tabular-nums; box-shadow: inset 0 0 0 1px var(--ib-border); }
  .chip.sla.warning { background: var(--ib-attention-subtle); color: var(--ib-attention); box-shadow: inset 0 0 0 1px var(--ib-attention-border); }
  .chip.sla.breached { background: var(--ib-danger); color: #fff; font-weight: 600; }
  .chip.more { color: var(--ib-text-muted); }
  .unread { background: var(--ib-accent); color: #fff; border-radius: var(--ib-radius-pill); padding: 0 6px; min-width: 8px; text-align: center; font-size: var(--ib-text-xs); font-weight: 700; line-height: 18px; }
  .avatar { display: inline-block; width: 20px; height: 20px; border-radius: 50%; color: #fff; font-size: 9px; font-weight: 600; line-height: 20px; text-align: center; vertical-align: middle; }
`;
