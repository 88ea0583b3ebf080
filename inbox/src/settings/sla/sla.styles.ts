import { css } from 'lit';

/**
 * What the SLA and business-hours screens share: switches (`input.switch`, a checkbox with
 * role="switch"), ordered lists of items (`.items`), sections of a long form (`.section`),
 * small tables of inputs (`.grid-table`) and inline errors (`.issue`).
 */
export const slaStyles = css`
  .switch {
    appearance: none; flex: none; position: relative; width: 34px; height: 20px; margin: 0; border-radius: 10px; cursor: pointer;
    background: var(--ib-border-control); transition: background 0.15s;
  }
  .switch::after { content: ''; position: absolute; top: 2px; left: 2px; width: 16px; height: 16px; border-radius: 50%; background: #fff; box-shadow: var(--ib-shadow-sm); transition: transform 0.15s; }
  .switch:checked { background: var(--ib-accent); }
  .switch:checked::after { transform: translateX(14px); }
  .switch:disabled { opacity: 0.5; cursor: not-allowed; }
  .switch-label { display: inline-flex; align-items: center; gap: var(--ib-space-2); font-size: var(--ib-text-md); cursor: pointer; }

  .items { list-style: none; margin: 0; padding: 0; border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius); }
  .items > li { display: flex; align-items: center; gap: var(--ib-space-3); padding: var(--ib-space-3); min-width: 0; }
  .items > li + li { border-top: 1px solid var(--ib-border-muted); }
  .items .pos { flex: none; width: 24px; height: 24px; border-radius: 50%; background: var(--ib-bg-muted); color: var(--ib-text-muted); font-size: var(--ib-text-sm); font-weight: 600; display: grid; place-items: center; }
  .items .main { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 2px; }
  .items .main a { color: var(--ib-text); font-weight: 600; font-size: var(--ib-text-md); text-decoration: none; width: fit-content; }
  .items .main a:hover { text-decoration: underline; color: var(--ib-accent); }
  .items .sub { color: var(--ib-text-muted); font-size: var(--ib-text-sm); overflow-wrap: anywhere; }
  .items .actions { flex: none; display: flex; align-items: center; gap: var(--ib-space-1); }
  .chip.accent { background: var(--ib-accent-subtle); color: var(--ib-text); font-weight: 600; }

  .section { margin-top: var(--ib-space-5); padding-top: var(--ib-space-4); border-top: 1px solid var(--ib-border-muted); }
  .section-title { margin: 0; font-size: var(--ib-text-base); font-weight: 600; }
  .section-text { margin: var(--ib-space-1) 0 var(--ib-space-3); color: var(--ib-text-muted); font-size: var(--ib-text-md); }
  .row-fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: var(--ib-space-4); }
  .row-fields ib-select, .row-fields .field { width: 100%; }

  .grid-table { border-collapse: collapse; width: 100%; font-size: var(--ib-text-md); }
  .grid-table.fixed { table-layout: fixed; }
  .grid-table.fixed th:first-child { width: 96px; }
  .grid-table th { text-align: start; font-weight: 600; padding: var(--ib-space-2); color: var(--ib-text); }
  .grid-table thead th { font-size: var(--ib-text-sm); color: var(--ib-text-muted); border-bottom: 1px solid var(--ib-border-muted); }
  .grid-table td { padding: var(--ib-space-2); vertical-align: top; }
  .grid-table tbody tr + tr { border-top: 1px solid var(--ib-border-muted); }
  .grid-table .field { width: 100%; }
  .issue { display: block; margin-top: 2px; color: var(--ib-danger); font-size: var(--ib-text-sm); font-weight: 500; }
  .muted { color: var(--ib-text-muted); }
`;
