import { escapeHtml } from './outbound.service.js';

/** The HTML part: each paragraph escaped, the link a link. */
const htmlOf = (paras: string[], link: string, label: string) =>
  `<!doctype html><html><body>${paras
    .map((p) => (p === link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(label)}</a></p>` : `<p>${escapeHtml(p)}</p>`))
    .join('\n')}</body></html>`;

/** What an invitation mail says besides its link. */
export type InvitationMailParams = { workspaceName: string; inviterName: string | null; roleName: string; expiresAt: string };
/** What a password-reset mail says besides its link. */
export type ResetMailParams = { name: string; minutes: number };
/** What a notification mail says (an automation rule's or macro's `notify`); the link opens the ticket. */
export type NotificationMailParams = { kind: 'notification'; workspaceName: string; source: string; message: string; ticketNumber: number | null };
export type SystemMailParams = InvitationMailParams | ResetMailParams | NotificationMailParams;

const day = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * Subject, plain text and HTML of a system mail (the HTML is the text, escaped, with the link
 * as the one thing to click). Names come from people and are only ever text here.
 */
export function renderSystemMail(kind: 'invitation' | 'password_reset' | 'notification', params: SystemMailParams, link: string): { subject: string; text: string; html: string } {
  if (kind === 'notification') {
    const p = params as NotificationMailParams;
    const about = p.ticketNumber === null ? '' : ` on ticket #${p.ticketNumber}`;
    const paras = [p.message, `From ${p.source}${about}, in ${p.workspaceName}.`, ...(p.ticketNumber === null ? [] : ['Open the ticket:', link])];
    return { subject: `${p.source}${about}`.slice(0, 200), text: paras.join('\n\n'), html: htmlOf(paras, link, `Open ticket #${p.ticketNumber}`) };
  }
  if (kind === 'invitation') {
    const p = params as InvitationMailParams;
    const who = p.inviterName ? `${p.inviterName} invited you` : 'You are invited';
    const paras = [
      `${who} to join ${p.workspaceName} on the support inbox, as ${p.roleName.toLowerCase()}.`,
      `Accept the invitation here (the link works once, until ${day(p.expiresAt)}):`,
      link,
      'If you were not expecting this, ignore this mail: nothing happens unless the link is opened and accepted.',
    ];
    return { subject: `Join ${p.workspaceName} on the support inbox`, text: paras.join('\n\n'), html: htmlOf(paras, link, 'Accept the invitation') };
  }
  const p = params as ResetMailParams;
  const paras = [
    `Hello ${p.name},`,
    `Someone (we hope you) asked to reset the password of your support inbox account. Choose a new password here (the link works once, for ${p.minutes} minutes):`,
    link,
    'If you did not ask for this, ignore this mail: your password stays as it is.',
  ];
  return { subject: 'Reset your support inbox password', text: paras.join('\n\n'), html: htmlOf(paras, link, 'Choose a new password') };
}
