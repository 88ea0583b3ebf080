import { sql } from 'drizzle-orm';
import type { SystemMailState } from '@support/protocol';
import type { Config } from '../config.js';
import type { Tx } from '../db/client.js';
import { newId } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { sendFailure } from './outbox.worker.js';
import { composeMail, type Mailer } from './mailer.js';
import { renderSystemMail, type SystemMailParams } from './system-mail.templates.js';
import { privileged } from '../db/scope.js';

/**
 * The system-mail outbox (table `system_mail`): invitation and password-reset mail, queued in
 * the transaction that issues the link and sent by the email workers of every node (claimed
 * with FOR UPDATE SKIP LOCKED, retried with the ticket outbox's backoff up to
 * EMAIL_MAX_ATTEMPTS). The raw token stays in the row only while the mail waits: every final
 * state clears it, and a link that was revoked, replaced, used or has expired by the time the
 * mail is due is cancelled instead of sent.
 */

type Ctx = Pick<ServiceContext, 'db' | 'clock' | 'logger' | 'config'>;
export type SystemMailKind = 'invitation' | 'password_reset' | 'notification';
type Status = SystemMailState['status'];

/** The sender of system mail: MAIL_FROM (`address` or `Name <address>`), else no-reply at PUBLIC_URL's host. */
export function systemSender(config: Pick<Config, 'MAIL_FROM' | 'PUBLIC_URL'>): { name: string | null; address: string } {
  const from = config.MAIL_FROM;
  if (!from) return { name: null, address: `no-reply@${config.PUBLIC_URL ? new URL(config.PUBLIC_URL).hostname : 'localhost'}` };
  const m = /^(.*?)\s*<\s*([^<>\s]+)\s*>$/.exec(from);
  return m ? { name: m[1]!.replace(/^"|"$/g, '').trim() || null, address: m[2]! } : { name: null, address: from };
}

/**
 * Queues one mail carrying `linkBase + token`, in the caller's transaction. Without SMTP
 * (`smtp` false) the row is written `not_sent` and the token is not kept (the caller shows the
 * link to whoever may pass it on, or drops it). Returns the mail's state.
 */
export async function queueSystemMail(
  tx: Tx,
  o: {
    kind: SystemMailKind; to: string; invitationId?: string; passwordResetId?: string; params: SystemMailParams; linkBase: string; token: string;
    smtp: boolean; now: Date;
  },
): Promise<SystemMailState> {
  const status: Status = o.smtp ? 'queued' : 'not_sent';
  const error = o.smtp ? null : 'no SMTP configured';
  await tx.rows(sql`insert into system_mail (id, kind, to_address, invitation_id, password_reset_id, params, link_base, link_token, status,
      last_error, next_attempt_at, created_at, updated_at)
    values (${newId()}::uuid, ${o.kind}, ${o.to}, ${o.invitationId ?? null}::uuid, ${o.passwordResetId ?? null}::uuid, ${JSON.stringify(o.params)}::jsonb,
      ${o.linkBase}, ${o.smtp ? o.token : null}, ${status}, ${error}, ${o.now}::timestamptz, ${o.now}::timestamptz, ${o.now}::timestamptz)`);
  return { status, error, at: o.now.toISOString() };
}

/** Some system mail: one invitation's, or one account's password resets. */
export type SystemMailOf = { invitationId: string } | { userId: string };

const mailOf = (o: SystemMailOf) =>
  'invitationId' in o
    ? sql`invitation_id = ${o.invitationId}::uuid`
    : sql`password_reset_id in (select id from password_resets where user_id = ${o.userId}::uuid)`;

/** Cancels the waiting mail of an invitation or of an account's password resets (in the caller's transaction), clearing its token. */
export async function cancelSystemMail(tx: Tx, o: SystemMailOf, now: Date): Promise<void> {
  // crosses workspaces: system mail belongs to no workspace; the invitation or account names the rows.
  await tx.rows(sql`update system_mail set status = 'cancelled', link_token = null, locked_until = null, updated_at = ${now}::timestamptz
    where ${mailOf(o)} and status in ('queued', 'sending')`);
}

type Claimed = {
  id: string; kind: SystemMailKind; to_address: string; params: SystemMailParams; link_base: string; link_token: string | null; attempts: number;
  usable: boolean;
};
export type SystemMailRound = Partial<Record<Status, number>>;
/**
 * Sends the due system mail (`only`: just that invitation's or account's, as when a request
 * has just queued it): claims up to `limit` rows, cancels those whose link can no longer be
 * used, composes and sends the others through `mailer` (none: `not_sent`), and records each
 * outcome, clearing the token unless the mail is queued again for a retry.
 */
export async function processSystemMail(ctx: Ctx, mailer: Mailer | null, o: { limit?: number; only?: SystemMailOf } = {}): Promise<SystemMailRound> {
  const now = ctx.clock.now();
  const scope = o.only ? sql`and ${mailOf(o.only)}` : sql``;
  // crosses workspaces: due work of every workspace, claimed by whichever node is free (the
  // claim reads the invitation a mail is for, a tenant row).
  const claimed = await privileged('system-mail', () => ctx.db.rows<Claimed>(sql`update system_mail s
    set status = 'sending', attempts = s.attempts + 1, locked_until = ${new Date(now.getTime() + 5 * 60_000)}::timestamptz, updated_at = ${now}::timestamptz
    where s.id in (select id from system_mail
                   where ((status = 'queued' and next_attempt_at <= ${now}::timestamptz) or (status = 'sending' and locked_until <= ${now}::timestamptz)) ${scope}
                   order by next_attempt_at limit ${o.limit ?? 20}::int for update skip locked)
    returning s.id, s.kind, s.to_address, s.params, s.link_base, s.link_token, s.attempts,
      coalesce((select i.status = 'pending' and i.expires_at > ${now}::timestamptz from invitations i where i.id = s.invitation_id),
               (select r.used_at is null and r.expires_at > ${now}::timestamptz from password_resets r where r.id = s.password_reset_id),
               s.kind = 'notification') as usable`));
  const round: SystemMailRound = {};
  for (const row of claimed) {
    const status = await sendOne(ctx, mailer, row);
    round[status] = (round[status] ?? 0) + 1;
  }
  return round;
}

async function sendOne(ctx: Ctx, mailer: Mailer | null, row: Claimed): Promise<Status> {
  let status: Status;
  let error: string | null = null;
  let next: Date | null = null;
  // A notification's link is the ticket's address: no token to keep secret or to expire.
  if (!row.usable || (!row.link_token && row.kind !== 'notification')) {
    status = 'cancelled';
    error = 'the link can no longer be used';
  } else if (!mailer) {
    status = 'not_sent';
    error = 'no SMTP configured';
  } else {
    try {
      const from = systemSender(ctx.config);
      const m = renderSystemMail(row.kind, row.params, row.link_base + (row.link_token ?? ''));
      const raw = await composeMail(
        { from, to: { name: null, address: row.to_address }, replyTo: from.address, subject: m.subject, text: m.text, html: m.html,
          messageId: `${row.id}@${from.address.split('@')[1]}`, inReplyTo: null, references: [], attachmentIds: [] },
        [],
      );
      await mailer.send({ from: from.address, to: [row.to_address] }, raw);
      status = 'sent';
    } catch (err) {
      ({ status, error, next } = sendFailure(err, row.attempts, ctx.config.EMAIL_MAX_ATTEMPTS, ctx.clock.now()));
      ctx.logger.warn({ err: error, kind: row.kind, attempts: row.attempts, status }, 'system mail failed');
    }
  }
  const now = ctx.clock.now();
  // Only a row still ours (not cancelled meanwhile) takes the outcome; the token goes unless it is queued again.
  await ctx.db.rows(sql`update system_mail set status = ${status}, last_error = ${error}, locked_until = null, updated_at = ${now}::timestamptz,
      next_attempt_at = coalesce(${next}::timestamptz, next_attempt_at),
      link_token = case when ${status} = 'queued' then link_token else null end
    where id = ${row.id}::uuid and status = 'sending'`);
  return status;
}

/**
 * The system-mail worker: a round over every due mail every `intervalMs` (jittered) and,
 * through `wake(only)`, one over the mail a request on this node has just queued (so an
 * invitation goes out at once). Rounds never overlap. `stop` ends it and waits for a round in
 * progress (the mailer is the ticket worker's to close).
 */
export function startSystemMailWorker(ctx: Ctx, mailer: Mailer | null, intervalMs: number): { wake(only: SystemMailOf): void; stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  /** Rounds asked for while one runs: everything due (null), or some mail. */
  const waiting: (SystemMailOf | null)[] = [];
  const round = async () => {
    while (waiting.length && !stopped) {
      const only = waiting.shift()!;
      await processSystemMail(ctx, mailer, only ? { only } : {}).catch((err: unknown) => ctx.logger.warn({ err }, 'system mail round failed'));
    }
  };
  const run = (only: SystemMailOf | null) => {
    if (stopped) return;
    waiting.push(only);
    running ??= round().finally(() => (running = null));
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      run(null);
      schedule();
    }, intervalMs * (0.75 + Math.random() * 0.5));
    timer.unref();
  };
  schedule();
  return {
    wake: (only) => setImmediate(() => run(only)),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
