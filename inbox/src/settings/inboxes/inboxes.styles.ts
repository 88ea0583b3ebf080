import { css } from 'lit';

/**
 * The look the Inboxes pages share (after `controls` and `settingsCard`): a card's heading row
 * with its action (`.card-head`), sub-headings inside a form (`.subhead`), two fields side by
 * side (`.pair`), read-only values with a copy button (`.copy-row`, `.code`), a secret's
 * hint (`.hint-value`), a result line (`.result`), the danger card, and the back link.
 */
export const inboxesStyles = css`
  .card-head { display: flex; align-items: flex-start; justify-content: space-between; gap: var(--ib-space-3); flex-wrap: wrap; }
  .card-head .card-text { margin-bottom: 0; }
  .card-head + * { margin-top: var(--ib-space-4); }
  h3.card-title { font-size: var(--ib-text-base); }
  .subhead { margin: var(--ib-space-2) 0 0; padding-top: var(--ib-space-4); border-top: 1px solid var(--ib-border-muted); font-size: var(--ib-text-md); font-weight: 600; }
  .fields.wide { max-width: none; }
  .pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: var(--ib-space-3); }
  .pair ib-select { display: block; }
  .fields ib-select { display: block; }
  textarea.field { resize: vertical; min-height: 64px; }
  .check { display: flex; align-items: flex-start; gap: var(--ib-space-2); font-size: var(--ib-text-md); font-weight: 500; cursor: pointer; }
  .check input { width: 16px; height: 16px; margin: 2px 0 0; accent-color: var(--ib-accent); flex: none; }
  .check small { display: block; font-weight: 400; color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
  .copy-field { display: flex; flex-direction: column; gap: var(--ib-space-1); min-width: 0; }
  .copy-field label, .group-label { font-size: var(--ib-text-md); font-weight: 600; width: fit-content; }
  .copy-hint { font-size: var(--ib-text-sm); color: var(--ib-text-muted); }
  .copy-row { display: flex; gap: var(--ib-space-2); align-items: center; min-width: 0; }
  .copy-row .field { flex: 1; font-family: var(--ib-font-mono); font-size: var(--ib-text-sm); }
  .code {
    margin: 0; padding: var(--ib-space-3); border-radius: var(--ib-radius); background: var(--ib-bg-canvas); border: 1px solid var(--ib-border-muted);
    font-family: var(--ib-font-mono); font-size: var(--ib-text-sm); line-height: 1.5; white-space: pre-wrap; overflow-wrap: anywhere;
  }
  .hint-value { font-family: var(--ib-font-mono); font-size: var(--ib-text-md); color: var(--ib-text); letter-spacing: 0.02em; }
  .muted { color: var(--ib-text-muted); }
  .actions { display: flex; gap: var(--ib-space-2); flex-wrap: wrap; align-items: center; }
  .result { margin: var(--ib-space-3) 0 0; padding: var(--ib-space-3); border-radius: var(--ib-radius); font-size: var(--ib-text-md); overflow-wrap: anywhere; }
  .result.ok { background: var(--ib-success-subtle); color: var(--ib-success-text); }
  .result.bad { background: var(--ib-danger-subtle); color: var(--ib-text); border: 1px solid var(--ib-danger); }
  .result code { font-family: var(--ib-font-mono); font-size: var(--ib-text-sm); }
  .choice { border: 0; padding: 0; margin: var(--ib-space-4) 0 0; display: grid; gap: var(--ib-space-3); min-width: 0; }
  .choice legend { padding: 0; margin-bottom: var(--ib-space-3); font-size: var(--ib-text-md); font-weight: 600; }
  .choice ib-field { margin-left: 24px; }
  .danger { border-color: var(--ib-danger-subtle); }
  .danger .card-title { color: var(--ib-danger); }
  .back { display: inline-flex; align-items: center; gap: 2px; margin: 0 0 var(--ib-space-3) -4px; padding: 2px var(--ib-space-2) 2px 2px; border-radius: var(--ib-radius); color: var(--ib-accent); font-size: var(--ib-text-md); font-weight: 500; text-decoration: none; }
  .back:hover { background: var(--ib-bg-hover); text-decoration: underline; }
  .title { display: flex; align-items: center; gap: var(--ib-space-2); margin: 0 0 var(--ib-space-4); flex-wrap: wrap; }
  .title h2 { margin: 0; font-size: var(--ib-text-lg); font-weight: 700; overflow-wrap: anywhere; }
  .chip.chat { background: var(--ib-accent-subtle); }
  .chip.email { background: var(--ib-attention-subtle); color: var(--ib-attention); }
  dl.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: var(--ib-space-2) var(--ib-space-4); margin: 0; font-size: var(--ib-text-md); align-items: baseline; }
  dl.kv dt { color: var(--ib-text-muted); font-weight: 500; }
  dl.kv dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
  @media (max-width: 520px) {
    .pair { grid-template-columns: minmax(0, 1fr); }
    dl.kv { grid-template-columns: minmax(0, 1fr); gap: 2px; }
    dl.kv dd + dt { margin-top: var(--ib-space-2); }
  }
`;
