import { css } from 'lit';

export const tableStyles = css`
  :host { display: block; min-width: 0; font-size: var(--ib-text-md); }
  .scroll { overflow-x: auto; border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius-lg); background: var(--ib-bg); }
  .scroll:focus-visible { outline-offset: 0; }
  table { width: 100%; border-collapse: collapse; }
  th, td { padding: 10px var(--ib-space-3); text-align: left; vertical-align: middle; border-bottom: 1px solid var(--ib-border-muted); }
  .end { text-align: right; }
  thead th { background: var(--ib-bg-canvas); color: var(--ib-text-muted); font-size: var(--ib-text-sm); font-weight: 600; white-space: nowrap; padding-top: 8px; padding-bottom: 8px; }
  thead th:first-child { border-top-left-radius: var(--ib-radius-lg); }
  thead th:last-child { border-top-right-radius: var(--ib-radius-lg); }
  tbody th { font-weight: 600; color: var(--ib-text); }
  tbody tr:last-child > * { border-bottom: 0; }
  .sort {
    display: inline-flex; align-items: center; gap: var(--ib-space-1); margin: -4px -6px; padding: 4px 6px; border: 0; border-radius: 4px;
    background: none; color: inherit; font-weight: inherit; cursor: pointer;
  }
  .sort:hover { background: var(--ib-bg-muted); color: var(--ib-text); }
  th[aria-sort] { color: var(--ib-text); }
  .activatable tbody tr:not(.empty) { cursor: pointer; }
  .activatable tbody tr:not(.empty):hover { background: var(--ib-bg-hover); }
  tbody tr:focus-visible { outline: 2px solid var(--ib-focus); outline-offset: -2px; }
  tr.empty td { padding: 0; }
  /* For cells' content: a link that opens the row, a muted second line, text that must not wrap. */
  td a, th a { color: var(--ib-accent); font-weight: 600; text-decoration: none; }
  td a:hover, th a:hover { text-decoration: underline; }
  .secondary { display: block; margin-top: 2px; color: var(--ib-text-muted); font-size: var(--ib-text-sm); font-weight: 400; }
  .nowrap { white-space: nowrap; }
  .none { margin: 0; padding: var(--ib-space-5); text-align: center; color: var(--ib-text-muted); }

  /* Helpers for what column renders put in cells (they render inside this shadow root). */
  .muted { color: var(--ib-text-muted); }
  .sub { display: block; font-size: var(--ib-text-sm); font-weight: 400; color: var(--ib-text-muted); overflow-wrap: anywhere; }
  .lead { display: flex; align-items: center; gap: var(--ib-space-2); min-width: 0; }
  .lead > :last-child { min-width: 0; overflow-wrap: anywhere; }
  .avatar { flex: none; display: inline-block; border-radius: 50%; color: #fff; font-size: var(--ib-text-xs); font-weight: 600; text-align: center; object-fit: cover; }
  .row-actions { display: flex; gap: var(--ib-space-1); justify-content: flex-end; flex-wrap: wrap; }
  .row-actions.nowrap { flex-wrap: nowrap; white-space: nowrap; }
  .chip.success { background: var(--ib-success-subtle); color: var(--ib-success-text); }
  .chip.danger { background: var(--ib-danger-subtle); color: var(--ib-danger); }
  .chip.warning { background: var(--ib-warning-subtle); color: var(--ib-warning-text); }
  .yes { color: var(--ib-success-text); font-weight: 700; }
`;
