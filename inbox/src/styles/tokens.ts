import { css, unsafeCSS } from 'lit';

/**
 * The inbox's design tokens, as CSS custom properties set on `ib-app` (or on a page's `:root`)
 * and inherited by every component inside it (custom properties cross shadow roots). Every
 * colour pair used for text meets WCAG AA (4.5:1) on the backgrounds it is used on, and the
 * borders that show where a control is meet 3:1; the comments give the ratios.
 * No screen defines colours of its own: it uses these.
 */
export const tokens = css`
  :host, :root {
    /* Type: one family, a small scale. */
    --ib-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --ib-font-mono: ui-monospace, SFMono-Regular, Menlo, monospace;
    --ib-text-xs: 11px;
    --ib-text-sm: 12px;
    --ib-text-md: 13px;
    --ib-text-base: 14px;
    --ib-text-lg: 16px;
    --ib-text-xl: 20px;
    --ib-line: 1.45;

    /* Spacing: a 4 px grid. */
    --ib-space-1: 4px;
    --ib-space-2: 8px;
    --ib-space-3: 12px;
    --ib-space-4: 16px;
    --ib-space-5: 24px;
    --ib-space-6: 32px;

    /* Controls (buttons, fields, menus): one height per size. */
    --ib-control-sm: 26px;
    --ib-control-md: 32px;
    --ib-control-lg: 38px;

    --ib-radius: 6px;
    --ib-radius-lg: 10px;
    --ib-radius-pill: 999px;

    /* Surfaces. */
    --ib-bg: #ffffff;
    --ib-bg-canvas: #f6f8fa;
    --ib-bg-muted: #eef1f4;
    --ib-bg-selected: #ddf4ff;
    --ib-bg-hover: #f3f5f7;
    --ib-bg-bar: #1f2328;
    --ib-bg-bar-control: #32383f; /* white text 11.8:1 */
    --ib-bg-bar-hover: #454c54; /* white text 8.7:1 */
    --ib-border: #d1d9e0;
    --ib-border-muted: #e6eaef;
    --ib-border-control: #818b98; /* 3.5:1: the edge of a field or menu */

    /* Text: on white / on canvas. */
    --ib-text: #1f2328; /* 15.8:1 / 14.8:1 */
    --ib-text-muted: #59636e; /* 6.2:1 / 5.8:1, 5.3:1 on bg-muted */
    --ib-text-on-accent: #ffffff;

    /* Roles. White text on each fill is at least 4.5:1. */
    --ib-accent: #0969da; /* 5.2:1 */
    --ib-accent-hover: #0757b8;
    --ib-accent-subtle: #ddf4ff;
    --ib-accent-border: #9ccaf5;
    --ib-success: #1a7f37; /* 5.1:1 */
    --ib-success-hover: #116329;
    --ib-success-text: #116329; /* 6.4:1 on accent-subtle */
    --ib-danger: #c21f2c; /* 5.9:1 */
    --ib-danger-hover: #a40e26; /* 7.9:1 */
    --ib-danger-subtle: #ffebe9; /* danger text 5.2:1 on it */
    --ib-success-subtle: #dafbe1; /* success-text 6.6:1 on it */
    --ib-attention: #7d5200; /* 6.6:1 */
    --ib-attention-subtle: #fff8c5;
    --ib-attention-border: #d4a72c;
    --ib-note: #fff8e1;
    --ib-warning-text: #8a4600; /* 6.2:1 on #fff1e0 */
    --ib-warning-subtle: #fff1e0;

    /* Focus: a 2 px ring that shows on any background. */
    --ib-focus: #0969da;
    --ib-focus-ring: 0 0 0 2px var(--ib-bg), 0 0 0 4px var(--ib-focus);

    /* Depth. */
    --ib-shadow-sm: 0 1px 2px rgba(31, 35, 40, 0.12);
    --ib-shadow-md: 0 1px 3px rgba(31, 35, 40, 0.06), 0 4px 12px rgba(31, 35, 40, 0.08);
    --ib-shadow-lg: 0 8px 24px rgba(31, 35, 40, 0.2);
    --ib-backdrop: rgba(31, 35, 40, 0.4);
    --ib-z-panel: 5;
    --ib-z-toast: 30;

    /* Layout. */
    --ib-list-width: 340px;
    --ib-side-width: 280px;
    --ib-bar-height: 48px;
    --ib-nav-width: 232px;
    --ib-page-width: 760px;
    --ib-page-wide: 1160px;
  }
`;

/** The chevron of a menu (`ib-select`), in --ib-text-muted. */
const chevron = `url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Cpath d='M4 6l4 4 4-4' fill='none' stroke='%2359636e' stroke-width='1.6' stroke-linecap='round' stroke-linejoin='round'/%3E%3C/svg%3E")`;

/**
 * The shared control styles every component adds to its `static styles`: the visible keyboard
 * focus, text fields (`.field` on an input or textarea), the menu inside `ib-select` (it
 * renders into the light DOM, so the screen that holds it styles it), segmented controls
 * (`.segmented`: a tab list, a pair of toggles), chips (`.chip`) and `.visually-hidden`.
 * Buttons are `ib-button`.
 */
export const controls = css`
  button, select, input, textarea { font: inherit; color: inherit; }
  :focus-visible { outline: 2px solid var(--ib-focus); outline-offset: 2px; }

  .field, ib-select select {
    min-height: var(--ib-control-md); box-sizing: border-box; padding: 0 var(--ib-space-2); min-width: 0;
    border: 1px solid var(--ib-border-control); border-radius: var(--ib-radius); background-color: var(--ib-bg); color: var(--ib-text);
    font-size: var(--ib-text-md);
  }
  textarea.field { padding: var(--ib-space-2); line-height: var(--ib-line); }
  .field::placeholder { color: var(--ib-text-muted); opacity: 1; }
  .field:focus-visible, ib-select select:focus-visible { outline-offset: 0; border-color: var(--ib-focus); }
  .field[aria-invalid='true'], ib-select select[aria-invalid='true'] { border-color: var(--ib-danger); }
  .field:disabled, ib-select select:disabled { background-color: var(--ib-bg-canvas); color: var(--ib-text-muted); cursor: not-allowed; }
  .field[readonly] { background-color: var(--ib-bg-canvas); }

  ib-select { display: inline-block; min-width: 0; vertical-align: middle; }
  ib-select select {
    appearance: none; width: 100%; padding-right: 28px; cursor: pointer; text-overflow: ellipsis;
    background-image: ${unsafeCSS(chevron)}; background-repeat: no-repeat; background-position: right 8px center; background-size: 14px 14px;
  }
  ib-select select:hover:not(:disabled) { border-color: var(--ib-text-muted); }
  ib-select[size='sm'] select { min-height: var(--ib-control-sm); font-size: var(--ib-text-sm); padding-left: 6px; }
  ib-select[size='lg'] select { min-height: var(--ib-control-lg); font-size: var(--ib-text-base); }

  .segmented { display: flex; gap: 2px; padding: 2px; background: var(--ib-bg-muted); border-radius: var(--ib-radius); }
  .segmented > button {
    flex: 1; min-height: calc(var(--ib-control-md) - 4px); padding: 0 var(--ib-space-3); border: 0; border-radius: 4px; background: transparent;
    cursor: pointer; font-size: var(--ib-text-md); font-weight: 500; color: var(--ib-text-muted); white-space: nowrap;
  }
  .segmented > button:hover { color: var(--ib-text); }
  .segmented > button:is([aria-selected='true'], [aria-pressed='true']) { background: var(--ib-bg); color: var(--ib-text); box-shadow: var(--ib-shadow-sm); }

  .chip {
    display: inline-flex; align-items: center; gap: 2px; padding: 0 var(--ib-space-2); border-radius: var(--ib-radius-pill);
    background: var(--ib-bg-muted); color: var(--ib-text); font-size: var(--ib-text-xs); line-height: 18px; white-space: nowrap;
  }
  .visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;

/** Narrower than this (px), the inbox shows one pane at a time: the list, or the open ticket. */
export const PHONE_MAX = 720;
/** Narrower than this (px), the contact sidebar is a panel opened from the ticket's header. */
export const WIDE_MIN = 1100;
