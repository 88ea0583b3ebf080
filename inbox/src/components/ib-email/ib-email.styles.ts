import { css } from 'lit';

/** Styles of `ib-email`. Email HTML carries no class or style attribute, so class selectors here never match it. */
export const emailStyles = css`
  :host { display: block; }
  .meta { font-size: var(--ib-text-sm); color: var(--ib-text-muted); margin: 2px 0 var(--ib-space-2); padding-bottom: var(--ib-space-2); border-bottom: 1px solid var(--ib-border-muted); }
  .meta .line { display: flex; flex-wrap: wrap; align-items: center; gap: 0 var(--ib-space-1); }
  .meta .people { display: flex; gap: 0 10px; flex-wrap: wrap; overflow-wrap: anywhere; }
  .meta .subject { font-weight: 600; color: var(--ib-text); }
  .meta .channel { display: inline-flex; align-items: center; gap: 4px; }
  .meta .auto { background: var(--ib-bg-muted); border-radius: 4px; padding: 0 4px; margin-left: 4px; }
  .text { white-space: pre-wrap; overflow-wrap: anywhere; }
  .html { overflow-wrap: anywhere; overflow-x: auto; }
  .html img { max-width: 100%; height: auto; }
  .html img:not([src]) { display: inline-block; min-width: 16px; min-height: 16px; background: var(--ib-bg-muted); outline: 1px dashed var(--ib-border); }
  .html blockquote { margin: 4px 0 4px 4px; padding-left: 8px; border-left: 2px solid var(--ib-border); color: var(--ib-text-muted); }
  .html a, .text a, .tools a { color: var(--ib-link, var(--ib-accent)); }
  .html p { margin: 0 0 6px; }
  .tools { display: flex; gap: var(--ib-space-2); flex-wrap: wrap; align-items: center; margin-top: var(--ib-space-2); font-size: var(--ib-text-sm); }
  .original { border-left: 2px solid var(--ib-border); padding-left: var(--ib-space-2); }
  .original .headers { font-size: var(--ib-text-sm); color: var(--ib-text-muted); margin: 0 0 6px; display: grid; grid-template-columns: auto 1fr; gap: 0 8px; }
  .original .headers dt { font-weight: 600; }
  .original .headers dd { margin: 0; overflow-wrap: anywhere; }
  .forward { margin: 6px 0 0; border-left: 2px solid var(--ib-border); padding-left: var(--ib-space-2); }
  .forward > summary { cursor: pointer; width: fit-content; font-size: var(--ib-text-sm); color: var(--ib-text-muted); border-radius: 4px; }
  .forward > summary:focus-visible { outline: 2px solid var(--ib-focus); outline-offset: 2px; }
  .forward[open] > summary { margin-bottom: 4px; }
  .error { color: var(--ib-danger); }
`;
