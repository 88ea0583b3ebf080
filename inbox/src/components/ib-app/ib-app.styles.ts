import { css, unsafeCSS } from 'lit';
import { PHONE_MAX, WIDE_MIN } from '../../styles/tokens.js';

const phone = unsafeCSS(`(max-width: ${PHONE_MAX}px)`);
const narrow = unsafeCSS(`(max-width: ${WIDE_MIN - 1}px)`);

export const appStyles = css`
  :host {
    display: flex; flex-direction: column; height: 100vh; height: 100dvh; overflow: hidden;
    font-family: var(--ib-font-family); font-size: var(--ib-text-base); line-height: var(--ib-line); color: var(--ib-text);
    background: var(--ib-bg-canvas);
  }

  /* Login */
  .login-wrap { flex: 1; display: grid; place-items: center; padding: var(--ib-space-4); overflow-y: auto; }
  form.login {
    width: min(340px, 100%); box-sizing: border-box; display: flex; flex-direction: column; gap: var(--ib-space-3);
    background: var(--ib-bg); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius-lg); padding: var(--ib-space-5);
    box-shadow: 0 1px 3px rgba(31, 35, 40, 0.06);
  }
  form.login h1 { font-size: var(--ib-text-xl); margin: 0 0 var(--ib-space-1); }
  form.login .field { min-height: var(--ib-control-lg); font-size: var(--ib-text-base); }
  form.login ib-button { margin-top: var(--ib-space-1); }
  .error { color: var(--ib-danger); font-size: var(--ib-text-md); }
  .error:empty { display: none; }
  .forgot { align-self: center; color: var(--ib-accent); font-size: var(--ib-text-md); font-weight: 500; }
  .login-wrap.public { display: flex; flex-direction: column; align-items: center; justify-content: center; }

  /* Top bar */
  .bar {
    flex: none; display: flex; align-items: center; gap: var(--ib-space-2); height: var(--ib-bar-height); box-sizing: border-box;
    padding: 0 var(--ib-space-3); background: var(--ib-bg-bar); color: #fff;
  }
  .bar .brand { font-weight: 700; font-size: var(--ib-text-lg); display: flex; align-items: center; gap: var(--ib-space-2); }
  .bar .logo { width: 24px; height: 24px; object-fit: contain; border-radius: 4px; background: #fff; }
  .bar .gap { flex: 1; }
  /* The workspace menu on the dark bar: the bar's control colours, a white chevron. */
  .bar ib-select { flex: 0 1 auto; min-width: 72px; max-width: 220px; }
  .bar ib-button { flex: none; }
  .bar ib-select select {
    background-color: var(--ib-bg-bar-control); border-color: var(--ib-bg-bar-control); color: #fff; font-weight: 600;
    background-image: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Cpath d='M4 6l4 4 4-4' fill='none' stroke='%23ffffff' stroke-width='1.6' stroke-linecap='round' stroke-linejoin='round'/%3E%3C/svg%3E");
  }
  .bar ib-select select:hover:not(:disabled) { background-color: var(--ib-bg-bar-hover); border-color: var(--ib-bg-bar-hover); }
  .bar ib-select select:focus-visible { outline: 2px solid #fff; outline-offset: 2px; border-color: var(--ib-bg-bar-control); }
  .bar ib-select option { color: var(--ib-text); background: var(--ib-bg); }
  .bar ib-button, .bar ib-notifications {
    --ib-button-bg: var(--ib-bg-bar-control); --ib-button-border: var(--ib-bg-bar-control); --ib-button-fg: #fff;
    --ib-button-hover: var(--ib-bg-bar-hover); --ib-button-focus: #fff;
  }
  .bar ib-button.current { --ib-button-bg: var(--ib-bg-bar-hover); --ib-button-border: #8c959f; }
  .bar :focus-visible { outline-color: #fff; }
  .dot { width: 8px; height: 8px; border-radius: 50%; display: inline-block; flex: none; }
  .online { background: #3fb950; }
  .away { background: #d29922; }
  .offline { background: #8c959f; }
  .conn { font-size: var(--ib-text-sm); color: #ffb3b3; }
  .skip { position: absolute; left: var(--ib-space-2); top: -40px; z-index: 10; }
  .skip:focus { top: var(--ib-space-2); }

  /* Settings (its own chunk) */
  ib-settings, .settings-failed { flex: 1; min-height: 0; display: flex; flex-direction: column; }
  .loading { margin: auto; color: var(--ib-text-muted); }
  .settings-failed ib-empty { margin: auto; }

  /* Panes */
  main { flex: 1; display: grid; grid-template-columns: var(--ib-list-width) minmax(0, 1fr) var(--ib-side-width); min-height: 0; min-width: 0; }
  main.no-contacts { grid-template-columns: var(--ib-list-width) minmax(0, 1fr); }
  ib-ticket-list, ib-conversation, ib-contact { min-width: 0; min-height: 0; }

  ib-dialog.leave p { margin: 0; }

  /* The shortcut help */
  kbd { border: 1px solid var(--ib-border); border-bottom-width: 2px; border-radius: 4px; padding: 0 6px; font-family: var(--ib-font-mono); font-size: var(--ib-text-sm); background: var(--ib-bg-canvas); }
  table { border-collapse: collapse; width: 100%; }
  td { padding: var(--ib-space-1) var(--ib-space-2); font-size: var(--ib-text-md); }
  td:first-child { width: 1%; white-space: nowrap; }

  /* Tablet and small laptop: the contact sidebar is a panel over the ticket. */
  @media ${narrow} {
    main { grid-template-columns: var(--ib-list-width) minmax(0, 1fr); }
    ib-contact { display: none; }
    main.side ib-contact {
      display: block; position: fixed; z-index: 5; right: 0; top: var(--ib-bar-height); bottom: 0; width: min(var(--ib-side-width), 100vw);
      box-shadow: -8px 0 24px rgba(31, 35, 40, 0.15);
    }
  }

  /* Phone: one pane at a time, full width. */
  @media ${phone} {
    main { grid-template-columns: minmax(0, 1fr); }
    main.ticket ib-ticket-list, main.list ib-conversation { display: none; }
    .bar { gap: var(--ib-space-1); padding: 0 var(--ib-space-2); }
    .bar .wide { display: none; }
    /* Keyboard shortcuts are for keyboards; the room goes to the notifications bell. */
    .bar .help { display: none; }
    .bar .brand.has-menu { display: none; }
    /* With the workspace menu, presence shows as its dot alone (its name says the state). */
    .bar.has-workspaces .presence .state { display: none; }
    .bar ib-select { max-width: 120px; }
    main.side ib-contact { width: 100vw; }
  }
`;
