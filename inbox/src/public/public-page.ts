import { css, html } from 'lit';
import { ApiError } from '../api.js';

/**
 * The look of the pages that need no session (accept an invitation, choose a new password,
 * ask for a reset link): one card in the middle of the screen, as the login form is, with
 * `.card` (after `settingsCard`), `.brand`, `h1`, `.lead` (what this page is about), `.note`,
 * `.done` (the end state) and `.actions`.
 */
export const publicPage = css`
  :host { display: block; width: min(420px, 100%); }
  .card { box-shadow: 0 1px 3px rgba(31, 35, 40, 0.06); }
  .brand { margin: 0 0 var(--ib-space-3); color: var(--ib-text-muted); font-size: var(--ib-text-md); font-weight: 600; }
  h1 { margin: 0 0 var(--ib-space-2); font-size: var(--ib-text-xl); line-height: 1.3; }
  h1:focus { outline: none; }
  .lead { margin: 0 0 var(--ib-space-5); color: var(--ib-text-muted); }
  .lead strong { color: var(--ib-text); font-weight: 600; overflow-wrap: anywhere; }
  .fields { max-width: none; }
  .field { min-height: var(--ib-control-lg); font-size: var(--ib-text-base); width: 100%; }
  .note { margin: var(--ib-space-4) 0 0; color: var(--ib-text-muted); font-size: var(--ib-text-md); }
  .form-actions { justify-content: space-between; }
  .form-actions a, .actions a, .note a { color: var(--ib-accent); font-weight: 500; }
  .actions { display: flex; flex-wrap: wrap; gap: var(--ib-space-3); align-items: center; margin-top: var(--ib-space-5); }
  .loading { color: var(--ib-text-muted); text-align: center; }
`;

/** The small product line above each public page's heading. */
export const brand = html`<p class="brand">Support inbox</p>`;

/** Why a link cannot be used, in words, from a LINK_INVALID answer (or any other failure). */
export function linkProblem(err: unknown, what: 'invitation' | 'reset'): { heading: string; text: string } {
  const reason = err instanceof ApiError && err.code === 'LINK_INVALID' ? (err.details as { reason?: string } | undefined)?.reason : null;
  const again =
    what === 'invitation' ? 'Ask the person who invited you to send a new invitation.' : 'Ask for a new link: it is sent to your email address again.';
  switch (reason) {
    case 'expired':
      return { heading: what === 'invitation' ? 'This invitation has expired' : 'This link has expired', text: again };
    case 'used':
      return what === 'invitation'
        ? { heading: 'This invitation has been accepted already', text: 'Log in with the account that accepted it.' }
        : { heading: 'This link has been used already', text: `Each link works once. ${again}` };
    case 'revoked':
      return { heading: 'This invitation was withdrawn', text: 'An admin of the workspace revoked it. Ask them for a new one if you should still join.' };
    case 'unknown':
      return { heading: 'This link is not valid', text: `Check that you opened the whole link from the most recent mail. ${again}` };
    default:
      return {
        heading: 'Something went wrong',
        text: err instanceof ApiError && err.code === 'RATE_LIMITED' ? 'Too many attempts from here: wait a while, then try again.' : 'Check your connection, then reload the page.',
      };
  }
}
