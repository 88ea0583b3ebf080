import { css } from 'lit';

/**
 * The inbox's design tokens, as CSS custom properties set on `ib-app` and inherited by every
 * component inside it (custom properties cross shadow roots). Every colour pair used for
 * text meets WCAG AA (4.5:1) on the backgrounds it is used on; the comments give the ratio.
 */
export const tokens = css`
  :host {
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
    --ib-bg-bar-control: #32383f;
    --ib-border: #d1d9e0;
    --ib-border-muted: #e6eaef;

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
    --ib-danger-subtle: #ffebe9;
    --ib-attention: #7d5200; /* 6.6:1 */
    --ib-attention-subtle: #fff8c5;
    --ib-attention-border: #d4a72c;
    --ib-note: #fff8e1;
    --ib-warning-text: #8a4600; /* 6.2:1 on #fff1e0 */
    --ib-warning-subtle: #fff1e0;

    /* Focus: a 2 px ring that shows on any background. */
    --ib-focus: #0969da;
    --ib-focus-ring: 0 0 0 2px var(--ib-bg), 0 0 0 4px var(--ib-focus);

    /* Layout. */
    --ib-list-width: 340px;
    --ib-side-width: 280px;
    --ib-bar-height: 48px;
  }
`;

/**
 * The shared controls every screen uses: buttons (`.btn`, `.btn.primary`, `.btn.success`,
 * `.btn.quiet`, `.btn.icon`), text fields and menus (`.field`), chips (`.chip`) and the
 * visible keyboard focus. Components add it to their `static styles`.
 */
export const controls = css`
  button, select, input, textarea { font: inherit; color: inherit; }
  :focus-visible { outline: 2px solid var(--ib-focus); outline-offset: 2px; }
  .btn {
    display: inline-flex; align-items: center; justify-content: center; gap: var(--ib-space-1);
    min-height: 30px; padding: 0 var(--ib-space-3); box-sizing: border-box;
    border: 1px solid var(--ib-border); border-radius: var(--ib-radius); background: var(--ib-bg);
    font-size: var(--ib-text-md); font-weight: 500; line-height: 1; cursor: pointer; white-space: nowrap;
  }
  .btn:hover { background: var(--ib-bg-hover); }
  .btn:disabled { cursor: default; color: var(--ib-text-muted); background: var(--ib-bg-canvas); }
  .btn.primary { background: var(--ib-accent); border-color: var(--ib-accent); color: var(--ib-text-on-accent); }
  .btn.primary:hover { background: var(--ib-accent-hover); }
  .btn.success { background: var(--ib-success); border-color: var(--ib-success); color: var(--ib-text-on-accent); }
  .btn.success:hover { background: var(--ib-success-hover); }
  .btn.success:disabled, .btn.primary:disabled { background: var(--ib-bg-canvas); border-color: var(--ib-border); color: var(--ib-text-muted); }
  .btn.quiet { border-color: transparent; background: transparent; }
  .btn.quiet:hover { background: var(--ib-bg-muted); }
  .btn.icon { padding: 0; width: 30px; }
  .field {
    min-height: 30px; box-sizing: border-box; padding: 0 var(--ib-space-2); min-width: 0;
    border: 1px solid var(--ib-border); border-radius: var(--ib-radius); background: var(--ib-bg);
    font-size: var(--ib-text-md);
  }
  textarea.field { padding: var(--ib-space-2); line-height: var(--ib-line); }
  .field:focus-visible { outline-offset: 0; border-color: var(--ib-focus); }
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
