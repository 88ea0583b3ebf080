import type { TestMailResult } from '@support/protocol';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit } from '../audit/audit.service.js';
import { emailOf, loadInbox, type Audited } from '../inboxes/inboxes.service.js';
import { sendOnce, smtpOf } from './mailer.js';

/**
 * "Send a test mail": a short mail from an email inbox's address to `to` (the signed-in
 * member), through the inbox's own SMTP server when it has one, else SMTP_URL, on a
 * connection of its own, now (not through the outbox). Answers what the SMTP server said, or
 * why it failed; `via: 'none'` when no SMTP is configured at all. Audited
 * `inbox.test_mail_sent` with the outcome.
 */
export async function sendTestMail(
  ctx: Pick<ServiceContext, 'db' | 'clock' | 'config' | 'logger'>,
  o: Audited & { workspaceId: string; inboxId: string; to: string },
): Promise<TestMailResult> {
  const row = await loadInbox(ctx.db, o);
  const email = emailOf(row);
  if (!email) throw new AppError('VALIDATION_FAILED', 'only email inboxes send mail', [{ path: 'inboxId', message: 'not an email inbox' }]);
  const via = row.smtp_host ? smtpOf(row) : (ctx.config.SMTP_URL ?? null);
  const result: TestMailResult = { sent: false, to: o.to, via: row.smtp_host ? 'inbox' : via ? 'global' : 'none', response: null, error: null };
  if (!via) result.error = 'no SMTP configured: set this inbox’s SMTP server, or SMTP_URL on the server';
  else {
    try {
      result.response = await sendOnce(via, {
        from: { name: email.fromName ?? row.name, address: email.address },
        to: o.to,
        subject: `Test mail from ${row.name}`,
        text: `This is a test mail from the inbox "${row.name}" (${email.address}), sent from its settings.\n\nIf you can read it, replies from this inbox reach their recipients through ${result.via === 'inbox' ? `its SMTP server ${row.smtp_host}` : 'the server’s SMTP'}.\n`,
      });
      result.sent = true;
    } catch (err) {
      result.error = String((err as Error)?.message ?? err).slice(0, 500);
      ctx.logger.info({ err: result.error, inbox: row.id }, 'test mail failed');
    }
  }
  await ctx.db.transaction((tx) =>
    recordAudit(tx, {
      workspaceId: o.workspaceId, actor: o.actor, action: 'inbox.test_mail_sent', object: { type: 'inbox', id: row.id },
      after: { to: o.to, via: result.via, sent: result.sent, ...(result.error ? { error: result.error } : { response: result.response }) },
      request: o.request, at: ctx.clock.now(),
    }),
  );
  return result;
}
