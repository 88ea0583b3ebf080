import { css } from 'lit';

export const buttonStyles = css`
  :host {
    display: inline-flex; vertical-align: middle; min-width: 0;
    --_bg: var(--ib-button-bg, var(--ib-bg));
    --_fg: var(--ib-button-fg, var(--ib-text));
    --_border: var(--ib-button-border, var(--ib-border));
    --_hover: var(--ib-button-hover, var(--ib-bg-hover));
    --_h: var(--ib-control-md);
  }
  :host([hidden]) { display: none; }
  :host([variant='primary']) { --_bg: var(--ib-accent); --_fg: var(--ib-text-on-accent); --_border: var(--ib-accent); --_hover: var(--ib-accent-hover); }
  :host([variant='danger']) { --_bg: var(--ib-danger); --_fg: var(--ib-text-on-accent); --_border: var(--ib-danger); --_hover: var(--ib-danger-hover); }
  :host([variant='ghost']) { --_bg: transparent; --_border: transparent; --_hover: var(--ib-button-hover, var(--ib-bg-muted)); }
  :host([size='sm']) { --_h: var(--ib-control-sm); }
  :host([size='lg']) { --_h: var(--ib-control-lg); }

  .control {
    flex: 1; display: inline-flex; align-items: center; justify-content: center; gap: 6px; box-sizing: border-box;
    min-width: 0; min-height: var(--_h); padding: 0 var(--ib-space-3);
    border: 1px solid var(--_border); border-radius: var(--ib-radius); background: var(--_bg); color: var(--_fg);
    font: inherit; font-size: var(--ib-text-md); font-weight: 500; line-height: 1.2; white-space: nowrap; text-decoration: none;
    cursor: pointer; transition: background-color 80ms ease-out, border-color 80ms ease-out;
  }
  :host([size='sm']) .control { padding: 0 var(--ib-space-2); font-size: var(--ib-text-sm); }
  :host([size='lg']) .control { padding: 0 var(--ib-space-4); font-size: var(--ib-text-base); }
  :host([icon]) .control { padding: 0; width: var(--_h); }
  .control:hover { background: var(--_hover); }
  .control:active { transform: translateY(0.5px); }
  .control:focus-visible { outline: 2px solid var(--ib-button-focus, var(--ib-focus)); outline-offset: 2px; }
  .control:disabled { cursor: not-allowed; background: var(--ib-bg-canvas); border-color: var(--ib-border-muted); color: var(--ib-text-muted); transform: none; }
  :host([variant='ghost']) .control:disabled { background: transparent; border-color: transparent; }
  :host([loading]) .control { cursor: progress; }
  .content { display: inline-flex; align-items: center; gap: 6px; min-width: 0; overflow: hidden; text-overflow: ellipsis; }
  .spinner {
    flex: none; width: 12px; height: 12px; box-sizing: border-box; border-radius: 50%;
    border: 2px solid currentColor; border-right-color: transparent; animation: spin 0.7s linear infinite;
  }
  @keyframes spin { to { transform: rotate(360deg); } }
  @media (prefers-reduced-motion: reduce) { .spinner { animation-duration: 2s; } .control { transition: none; } }
`;
