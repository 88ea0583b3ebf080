import type { Request } from 'express';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import type { RouteHandlers } from '../http/routes.js';
import { loadEmailInbox, type EmailInbox } from './inboxes.js';
import { toWire } from '../db/ids.js';
import { deadLetter, replayTokenSeen, type MailPeek, type ReceiveResult, type ReplayToken } from './intake.js';
import type { MailParser } from './mail-parser.js';
import { postmarkInbound, takeIn, type Inbound } from './take-in.js';
import { basicAuthOk, checkMailgun, MAILGUN_MAX_AGE_MS } from './signatures.js';
import { readBody, readForm, type Form } from './webhook-body.js';
import { scopeToWorkspace } from '../db/scope.js';

const unauthorized = (why: string) => new AppError('UNAUTHENTICATED', why);

/**
 * `POST /webhooks/email/:inboxId`: raw MIME (`message/rfc822`), Mailgun (form with
 * `body-mime`, signed), SendGrid Inbound Parse "send raw" (multipart `email` field) and
 * Postmark inbound JSON. Every format but Mailgun's needs the inbox's Basic auth. A request
 * that fails authentication is 401 and nothing of it is stored. A mail whose write fails on
 * something about the mail itself is dead-lettered (raw bytes and the error); a transient
 * storage failure answers 500 with nothing kept, so the provider's retry goes through.
 * Parsing, quote stripping and sanitizing run on `parser` (worker threads).
 */
export function emailWebhookRoutes(ctx: ServiceContext, parser: MailParser): Pick<RouteHandlers, 'webhooks.email'> {
  return {
    'webhooks.email': async ({ req }) => {
      const inboxId = decodeId('inbox', String(req.params.inboxId));
      const inbox = inboxId ? await loadEmailInbox(ctx.db, inboxId) : null;
      if (!inbox) throw new AppError('NOT_FOUND', 'email inbox not found');
      scopeToWorkspace(inbox.workspaceId);
      const inbound = await readInbound(ctx, inbox, req);
      const replay = inbound.replay ?? null;
      const kept = (reason: string, peek: MailPeek | null) =>
        deadLetter(ctx, inbox, { raw: inbound.raw, peek: peek ?? undefined, envelopeRecipients: inbound.extraRecipients }, reason, replay);
      return { ok: true, data: onTheWire(await takeIn(ctx, parser, inbox, inbound, kept)) };
    },
  };
}

/** The webhook answer with wire ids (`msg_…`, `tkt_…`), like every other answer of the API. */
export function onTheWire(r: ReceiveResult) {
  switch (r.result) {
    case 'created':
    case 'duplicate':
      return { ...r, messageId: toWire('message', r.messageId), ticketId: toWire('ticket', r.ticketId) };
    case 'bounce':
    case 'report':
      return { ...r, ticketId: r.ticketId && toWire('ticket', r.ticketId) };
    case 'dead_letter':
      return r;
  }
}

const isForm = (ct: string) => /^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(ct);
const field = (f: Form, k: string) => f.get(k)?.toString('utf8');

async function readInbound(ctx: ServiceContext, inbox: EmailInbox, req: Request): Promise<Inbound> {
  const ct = String(req.headers['content-type'] ?? '');
  const limit = ctx.config.EMAIL_MAX_BYTES;
  const auth = req.headers.authorization;
  const basic = basicAuthOk(auth, inbox.basicUser, inbox.basicPassword);
  // Wrong credentials are refused before the body is read.
  if (auth && !basic) throw unauthorized('wrong webhook credentials');
  if (isForm(ct)) {
    const form = await readForm(req, limit);
    if (form.has('signature') || form.has('timestamp') || form.has('token')) return mailgun(ctx, inbox, form);
    if (!basic) throw unauthorized('webhook credentials required');
    const email = form.get('email');
    if (!email) throw new AppError('VALIDATION_FAILED', 'form has no email field (SendGrid "send raw") nor a Mailgun signature');
    let envelopeTo: string[] = [];
    try {
      const env = JSON.parse(field(form, 'envelope') ?? '{}') as { to?: unknown };
      if (Array.isArray(env.to)) envelopeTo = env.to.filter((v): v is string => typeof v === 'string');
    } catch {
      // The envelope is optional; a bad one only loses its recipients.
    }
    return { raw: email, extraRecipients: envelopeTo };
  }
  if (!basic) throw unauthorized('webhook credentials required');
  const body = await readBody(req, limit);
  if (/^application\/json\b/i.test(ct)) {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new AppError('INVALID_JSON', 'request body is not valid JSON');
    }
    return postmarkInbound(json, body);
  }
  return { raw: body, extraRecipients: [] };
}

async function mailgun(ctx: ServiceContext, inbox: EmailInbox, form: Form): Promise<Inbound> {
  const now = ctx.clock.now();
  const token = field(form, 'token');
  const check = checkMailgun({ signingKey: inbox.mailgunSigningKey, timestamp: field(form, 'timestamp'), token, signature: field(form, 'signature'), now });
  if (!check.ok) throw unauthorized(`mailgun signature: ${check.reason}`);
  // Replays: each token is accepted once (recorded with whatever the mail becomes); tokens
  // are kept past the freshness window.
  const replay: ReplayToken = { inboxId: inbox.id, token: token!, at: now };
  if (await replayTokenSeen(ctx.db, replay)) throw unauthorized('mailgun signature: replayed token');
  const raw = form.get('body-mime');
  if (!raw) throw new AppError('VALIDATION_FAILED', 'Mailgun form has no body-mime field: forward to a URL ending in "mime"');
  const recipient = field(form, 'recipient');
  return { raw, extraRecipients: recipient ? recipient.split(',').map((s) => s.trim()) : [], replay };
}

/** Deletes Mailgun tokens older than twice the freshness window. */
export async function purgeWebhookTokens(ctx: Pick<ServiceContext, 'db' | 'clock'>): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - 2 * MAILGUN_MAX_AGE_MS);
  return (await ctx.db.rows(sql`delete from email_webhook_tokens where seen_at < ${cutoff}::timestamptz returning token`)).length;
}
