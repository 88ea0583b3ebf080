import { css } from 'lit';

/** Styles of `ib-email`. Email HTML carries no class or style attribute, so class selectors here never match it. */
export const emailStyles = css`
  :host { display: block; }
  .meta { font-size: 12px; color: #57606a; margin: 2px 0 4px; }
  .meta .people { display: flex; gap: 0 10px; flex-wrap: wrap; }
  .meta .subject { font-weight: 600; color: #24292f; }
  .meta .channel { display: inline-flex; align-items: center; gap: 4px; color: #57606a; }
  .meta .auto { background: #eef1f4; border-radius: 4px; padding: 0 4px; margin-left: 4px; }
  .text { white-space: pre-wrap; overflow-wrap: anywhere; }
  .html { overflow-wrap: anywhere; overflow-x: auto; }
  .html img { max-width: 100%; height: auto; }
  .html img:not([src]) { display: inline-block; min-width: 16px; min-height: 16px; background: #eef1f4; outline: 1px dashed #cfd5dc; }
  .html blockquote { margin: 4px 0 4px 4px; padding-left: 8px; border-left: 2px solid #cfd5dc; color: #57606a; }
  .html p { margin: 0 0 6px; }
  .tools { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 4px; font-size: 12px; }
  .tools button { font: inherit; border: 1px solid #cfd5dc; background: #f6f8fa; border-radius: 6px; padding: 1px 8px; cursor: pointer; }
  .original { border-left: 2px solid #cfd5dc; padding-left: 8px; }
  .original .headers { font-size: 12px; color: #57606a; margin: 0 0 6px; display: grid; grid-template-columns: auto 1fr; gap: 0 8px; }
  .original .headers dt { font-weight: 600; }
  .original .headers dd { margin: 0; overflow-wrap: anywhere; }
  .forward { margin: 6px 0 0; border-left: 2px solid #cfd5dc; padding-left: 8px; }
  .forward > summary { cursor: pointer; width: fit-content; font-size: 12px; color: #57606a; border-radius: 4px; }
  .forward > summary:focus-visible { outline: 2px solid #0969da; outline-offset: 2px; }
  .forward[open] > summary { margin-bottom: 4px; }
  .error { color: #b00020; }
`;
