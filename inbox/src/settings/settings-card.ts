import { css } from 'lit';

/**
 * The shared look of settings pages, for their `static styles` (after `controls`): the page
 * as a block, `.card`
 * (a white panel; `.card + .card` spaced), `.card-title` and `.card-text` (a panel's heading
 * and its one-line explanation), `.fields` (a form's fields, one under the other) and
 * `.form-actions` (a form's buttons, right-aligned under a rule; the primary one last) and
 * `.form-alert` (`formAlert`: what is wrong with the form as a whole).
 */
export const settingsCard = css`
  :host { display: block; }
  .card { background: var(--ib-bg); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius-lg); padding: var(--ib-space-5); }
  .card + .card { margin-top: var(--ib-space-4); }
  .card-title { margin: 0; font-size: var(--ib-text-lg); font-weight: 600; }
  .card-text { margin: var(--ib-space-1) 0 var(--ib-space-4); color: var(--ib-text-muted); font-size: var(--ib-text-md); }
  .fields { display: flex; flex-direction: column; gap: var(--ib-space-4); max-width: 480px; }
  .form-actions {
    display: flex; justify-content: flex-end; align-items: center; flex-wrap: wrap; gap: var(--ib-space-2);
    margin: var(--ib-space-5) calc(-1 * var(--ib-space-5)) calc(-1 * var(--ib-space-5)); padding: var(--ib-space-3) var(--ib-space-5);
    border-top: 1px solid var(--ib-border-muted); background: var(--ib-bg-canvas); border-radius: 0 0 var(--ib-radius-lg) var(--ib-radius-lg);
  }
  .form-alert {
    display: flex; align-items: flex-start; gap: var(--ib-space-2); margin-top: var(--ib-space-4); padding: var(--ib-space-3);
    border: 1px solid var(--ib-danger); border-radius: var(--ib-radius); background: var(--ib-danger-subtle); color: var(--ib-text); font-size: var(--ib-text-md);
  }
  .form-alert-text { flex: 1; }
  .form-alert ib-button { margin: -3px 0; }
  @media (max-width: 720px) { .card { padding: var(--ib-space-4); } .form-actions { margin: var(--ib-space-4) calc(-1 * var(--ib-space-4)) calc(-1 * var(--ib-space-4)); padding: var(--ib-space-3) var(--ib-space-4); } }
`;
