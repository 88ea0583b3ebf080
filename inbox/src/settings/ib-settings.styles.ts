import { css, unsafeCSS } from 'lit';
import { PHONE_MAX } from '../styles/tokens.js';

const phone = unsafeCSS(`(max-width: ${PHONE_MAX}px)`);

export const settingsStyles = css`
  :host { display: flex; flex-direction: column; min-height: 0; flex: 1; }
  .layout { flex: 1; min-height: 0; display: grid; grid-template-columns: var(--ib-nav-width) minmax(0, 1fr); }

  nav { overflow-y: auto; padding: var(--ib-space-3) var(--ib-space-3) var(--ib-space-5); background: var(--ib-bg); border-right: 1px solid var(--ib-border-muted); }
  nav ul { list-style: none; margin: 0 0 var(--ib-space-2); padding: 0; }
  .nav-title { margin: var(--ib-space-4) var(--ib-space-2) var(--ib-space-2); font-size: var(--ib-text-lg); font-weight: 700; }
  .nav-title:focus { outline: none; }
  .group { margin: var(--ib-space-4) var(--ib-space-2) var(--ib-space-1); font-size: var(--ib-text-xs); font-weight: 600; letter-spacing: 0.04em; text-transform: uppercase; color: var(--ib-text-muted); }
  nav li a {
    display: block; padding: 6px var(--ib-space-2); border-radius: var(--ib-radius); color: var(--ib-text); text-decoration: none;
    font-size: var(--ib-text-md); font-weight: 500;
  }
  nav li a:hover { background: var(--ib-bg-hover); }
  nav li a[aria-current='page'] { background: var(--ib-accent-subtle); color: var(--ib-text); font-weight: 600; box-shadow: inset 3px 0 0 var(--ib-accent); }
  nav li a:focus-visible { outline-offset: -2px; }
  .to-inbox, .to-list {
    display: inline-flex; align-items: center; gap: var(--ib-space-1); padding: 4px var(--ib-space-2) 4px 2px; border-radius: var(--ib-radius);
    color: var(--ib-accent); font-size: var(--ib-text-md); font-weight: 500; text-decoration: none;
  }
  .to-inbox:hover, .to-list:hover { background: var(--ib-bg-hover); text-decoration: underline; }
  .to-list { display: none; margin: 0 0 var(--ib-space-2) -2px; }

  .page { overflow-y: auto; padding: var(--ib-space-5) var(--ib-space-6) var(--ib-space-6); min-width: 0; }
  .page > * { max-width: var(--ib-page-width); }
  /* A page that needs the room (a form beside a preview) sets \`wide\` on itself. */
  .page > [wide] { max-width: var(--ib-page-wide); }
  .page header { margin-bottom: var(--ib-space-5); }
  .page h1 { margin: 0; font-size: var(--ib-text-xl); font-weight: 700; line-height: 1.25; }
  .page h1:focus { outline: none; }
  .description { margin: var(--ib-space-1) 0 0; color: var(--ib-text-muted); }
  .page ib-empty { background: var(--ib-bg); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius-lg); }
  .loading { color: var(--ib-text-muted); }
  .link { color: var(--ib-accent); font-weight: 500; }

  @media ${phone} {
    .layout { grid-template-columns: minmax(0, 1fr); }
    .layout.has-page nav { display: none; }
    .layout.index nav { border-right: 0; padding: var(--ib-space-3) var(--ib-space-3) var(--ib-space-5); }
    .layout.index nav li a { padding: var(--ib-space-3) var(--ib-space-2); font-size: var(--ib-text-base); border-bottom: 1px solid var(--ib-border-muted); border-radius: 0; }
    .to-list { display: inline-flex; }
    .page { padding: var(--ib-space-3) var(--ib-space-3) var(--ib-space-5); }
    .page header { margin-bottom: var(--ib-space-4); }
  }
`;
