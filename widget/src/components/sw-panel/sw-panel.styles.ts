import { css } from 'lit';

export const panelStyles = css`
  :host {
    --accent: var(--sw-accent, var(--sw-theme, #4f46e5));
    --bg: var(--sw-bg, #fff);
    --fg: var(--sw-fg, #111827);
    --muted: var(--sw-muted, #6b7280);
    --soft: var(--sw-soft, #f3f4f6);
    --err: #b91c1c;
    /* Focus rings: the accent on light, the text colour on dark (an accent on near-black can fall under 3:1). */
    --ring: var(--accent);
    position: fixed;
    bottom: 88px;
    right: 20px;
    width: 370px;
    height: min(600px, calc(100vh - 120px));
    z-index: 2147483000;
    display: flex;
    flex-direction: column;
    overflow: hidden;
    font: 14px/1.4 var(--sw-font, system-ui, -apple-system, 'Segoe UI', sans-serif);
    color: var(--fg);
    background: var(--bg);
    border-radius: var(--sw-radius, 16px);
    box-shadow: 0 12px 40px rgba(0, 0, 0, 0.25);
    color-scheme: light;
  }
  :host([data-scheme='dark']) {
    --bg: var(--sw-bg-dark, #111827); --fg: var(--sw-fg-dark, #f9fafb); --muted: var(--sw-muted-dark, #9ca3af); --soft: var(--sw-soft-dark, #1f2937);
    --err: #f87171;
    --ring: var(--fg);
    color-scheme: dark;
  }
  :host([hidden]) { display: none; }
  :host([data-position='left']) { left: 20px; right: auto; }
  @media (max-width: 480px) {
    :host { inset: 0; width: auto; height: auto; border-radius: 0; }
  }
  header { display: flex; align-items: center; gap: 8px; padding: 14px 16px; background: var(--accent); color: #fff; }
  header div { flex: 1; min-width: 0; }
  .logo { flex: none; width: 32px; height: 32px; border-radius: 6px; background: #fff; object-fit: contain; }
  h2 { margin: 0; font-size: 16px; }
  header p { margin: 2px 0 0; font-size: 12px; opacity: 0.9; }
  .dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: #9ca3af; margin-right: 4px; }
  .on { background: #22c55e; }
  .off { background: #f59e0b; }
  .x { border: 0; background: none; color: inherit; font-size: 22px; cursor: pointer; line-height: 1; padding: 4px 8px; }
  .q { margin: 0; padding: 6px 16px; font-size: 13px; background: var(--soft); }
  .away { border-top: 1px solid var(--soft); }
  :focus-visible { outline: 2px solid #fff; outline-offset: 2px; }
`;
