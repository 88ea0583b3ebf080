/**
 * The host element's own style, set through CSSOM with `important` priority: that beats any
 * page rule, `all` resets whatever the page set, and CSSOM is allowed under a strict CSP
 * (a style attribute is not).
 */
export const HOST_STYLE =
  'all:initial;display:block;position:fixed;top:auto;left:auto;bottom:0;right:0;width:0;height:0;z-index:2147483000;visibility:visible;opacity:1';

export const LAUNCHER_CSS = `
.l{position:fixed;bottom:20px;right:20px;width:56px;height:56px;border-radius:50%;border:0;padding:0;margin:0;cursor:pointer;display:flex;align-items:center;justify-content:center;background:var(--sw-accent,var(--sw-theme,#4f46e5));color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);z-index:2147483000;transition:transform .15s}
.l:hover{transform:scale(1.06)}
.l:focus-visible{outline:3px solid var(--sw-accent,var(--sw-theme,#4f46e5));outline-offset:3px}
.left .l{left:20px;right:auto}
.l svg{width:26px;height:26px;fill:currentColor}
.b{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#e11d48;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}
.b[hidden]{display:none}
@media (max-width:480px){.open .l{display:none}}
@media (prefers-reduced-motion:reduce){.l{transition:none}}
`;

export const CHAT_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
export const CLOSE_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z"/></svg>';
