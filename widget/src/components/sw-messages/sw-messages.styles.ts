import { css } from 'lit';

export const messagesStyles = css`
  :host { display: block; flex: 1; min-height: 0; }
  .list { height: 100%; overflow-y: auto; padding: 12px; box-sizing: border-box; display: flex; flex-direction: column; gap: 6px; }
  .greet, .note { margin: 4px 0 8px; color: var(--muted); }
  .ok { align-self: center; text-align: center; color: var(--fg); background: var(--soft); border-radius: 10px; padding: 8px 12px; }
  .day { align-self: center; font-size: 12px; color: var(--muted); margin: 8px 0 2px; }
  .m { max-width: 80%; padding: 8px 12px; border-radius: 14px; background: var(--soft); align-self: flex-start; }
  .me { align-self: flex-end; background: var(--accent); color: #fff; }
  /* Not sent yet: an outline, not faded text (which would fall below AA contrast). */
  .pending { background: none; color: var(--fg); border: 1px dashed var(--accent); padding: 7px 11px; }
  .failed { background: #b91c1c; }
  p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  a { color: inherit; text-decoration: underline; }
  :focus-visible { outline: 2px solid currentColor; outline-offset: 2px; }
  .list:focus-visible { outline-offset: -2px; }
  .who, .meta { display: block; font-size: 11px; opacity: 0.9; }
  .f { display: block; margin-top: 4px; padding: 0; border: 0; background: none; color: inherit; font: inherit; text-decoration: underline; cursor: pointer; text-align: start; overflow-wrap: anywhere; }
  .typing { font-size: 12px; color: var(--muted); }
`;
