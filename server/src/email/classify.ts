import {
  dsnOutcome,
  headerSection,
  messageIdFields,
  parseDeliveryStatus,
  parseDisposition,
  parseFeedbackReport,
  type DsnRecipient,
  type MachineReport,
} from './reports.js';

/** Lower-cased header name → unfolded value (the last one wins for repeated headers). */
export type HeaderMap = Record<string, string>;

export type MailKind = {
  /** Machine-sent mail (auto-replies, lists, bulk, reports): stored, but never answered automatically and never reopens a ticket. */
  auto: boolean;
  /** A delivery, feedback or read report: recorded against the ticket of the original, never a customer message. */
  report: MachineReport | null;
  /** For a report: the Message-IDs of the original mail found anywhere in it (attached parts, inline copies). */
  originalIds: string[];
};

/** What classification reads of a parsed mail. */
export type ClassifyInput = {
  /** Every header of the mail (not only the ones stored). */
  headers: HeaderMap;
  from: { name: string | null; address: string } | null;
  subject: string;
  text: string;
  html: string | null;
  /** Non-body parts (attachments, report parts, attached messages) as bytes. */
  parts: Array<{ mimeType: string; content: Uint8Array }>;
  /** The raw body after the header section, where an MTA may have copied the original (read for reports only). */
  body?: () => string;
  /** The mail's own Message-ID, never taken for the original's. */
  messageId: string | null;
};

const RFC822_PARTS = ['message/rfc822', 'message/global', 'text/rfc822-headers', 'message/global-headers', 'message/rfc822-headers', 'text/rfc822-header'];
const DAEMON_LOCAL = /^(mailer-?daemon|mail-?daemon|post_?master|mail-?delivery|bounces?|nobody-?bounce)$/i;
const NO_REPLY_LOCAL = /^(no-?reply|do-?not-?reply|donotreply)\b/i;
const DAEMON_NAME = /\b(mailer[- ]?daemon|mail delivery (subsystem|system|service)|postmaster|mail administrator|mail system|delivery status notification)\b/i;

// Subjects that MTAs give delivery reports, at the start (after a tag such as "[SPAM]").
const BOUNCE_SUBJECT =
  /^\s*(\[[^\]]*\]\s*|\*+[^*]*\*+\s*)?(undeliver|undelivered|delivery (status notification|failure|failed|has failed|problem|notification|report|error|incomplete|delayed|warning|final failure)|mail delivery (failed|failure|problem|error|subsystem|notification|system)|returned mail|return(ed)? to sender|failure notice|non[- ]?deliver|nondeliverable|could not (be )?deliver|message (not delivered|delivery (failed|delayed)|could not be delivered|undeliverable|delayed|rejected|you sent (has|was) been blocked|blocked)|mail (could not be delivered|failure|not delivered|system error|delivery error)|warning: (could not|message)|delayed mail|failed delivery|permanent (error|failure)|unable to deliver|unzustellbar|nicht zustellbar|non remis|non recapitabile|no se pudo entregar|onbestelbaar|impossible de remettre|notification d'[ée]tat de remise|rejected:|sender (address )?rejected|delivery notification|dsn[: ]|notice of delivery failure|email bounced|bounced mail|mail returned)/i;

// Wording MTAs open a report with: enough on its own at the start of the text.
const BOUNCE_OPENING =
  /(this is the (mail system|qmail-send program|postfix program|mail delivery agent)|this message was created automatically by mail delivery software|this is an automatically generated delivery status notification|delivery to the following recipients? (failed|has been delayed)|your message (could not be delivered|did not reach|was not delivered|to .{1,200} couldn't be delivered|wasn't delivered)|(i'm|i am) (sorry to (have to )?inform you|afraid i wasn't able to deliver)|the following (message|addresses?) (to .{1,200})?(had|has|could not|was undeliverable|were undeliverable)|message (delivery|could not be) .{0,40}(failed|delivered)|sorry, (we|i) (were|was) unable to deliver|unable to deliver your message|delivery has failed to these recipients|could not be delivered to|was undeliverable|failed to deliver|delivery failed|mail delivery failed|undeliverable|permanent fatal errors|returned to sender|delivery status notification|has not (yet )?been delivered|message (is|was) delayed|delivery (is |has been )?delayed)/i;

// Wording that marks a report as a delay notice (the server keeps trying)…
const DELAY_TEXT =
  /(delivery (is |has been |was |may be )?delayed|has not (yet )?been delivered|(will|shall) (continue|keep) (trying|to try|retrying|attempting)|still (trying|retrying)|this is (only )?a (warning|notification about a delay)|no action is required on your part|\(delay\)|message delayed|delayed mail|warning: message .{0,200} delayed|temporarily (deferred|unable)|will be retried|will retry)/i;
// A warning the MTA says is only a warning, or a delay subject: a delay notice whatever else it says.
const WARNING_ONLY = /(this is (only )?a warning|warning message only|warning only|you do not need to resend)/i;
const DELAY_SUBJECT = /(\bdelay(ed)?\b|\(delay\)|still being retried)/i;
// …unless it also says the mail is given up on.
const FINAL_TEXT = /(permanent|gave up|giving up|has been returned|returned to sender|failed permanently|could not be delivered|couldn't be delivered|undeliverable|will not be (retried|delivered)|has expired|no more retries|delivery (has )?failed|fatal error)/i;

// Subjects of out-of-office and autoresponder mail, at the start.
const AUTO_REPLY_SUBJECT =
  /^\s*(auto(matic|matische|matisk|maattinen)?[ -]?(reply|response|respons|antwort|svar|vastaus|respuesta|risposta|réponse|resposta|odpowiedź|antwoord)|auto(reply|response|respond|respons)|out of (the )?office\s*(:|reply|auto|$)|abwesenheitsnotiz|abwesend\s*:|réponse automatique|risposta automatica|respuesta automática|resposta automática|automatisch antwoord|odpowiedź automatyczna|automatisk svar|automaattinen vastaus|автоответ|自動応答|自动回复|自動回覆|on vacation\s*(:|$)|vacation (reply|response|notice|autoreply))/i;

const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
const htmlText = (html: string) =>
  html
    .replace(/<(br|\/p|\/div|\/tr|\/li|\/pre)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&');

/**
 * Sorts inbound mail into customer mail, automatic mail and machine reports.
 *
 * Reports, by structure first: a `multipart/report` (or a report part anywhere) of type
 * feedback-report (ARF, RFC 5965), disposition-notification (read receipt, RFC 8098) or
 * delivery-status (RFC 3464, read per recipient: `Action: failed` fails, `delayed` is a
 * delay notice, `delivered`/`relayed`/`expanded` a success notice). Then by wording, for
 * MTAs that send plain-text bounces (qmail, exim, old Exchange, carriers): an
 * `X-Failed-Recipients` header, or a machine sender (MAILER-DAEMON, postmaster, an empty
 * or missing sender, Auto-Submitted) with a bounce subject or opening, or both of those.
 *
 * Automatic mail (RFC 3834 and the usual vendor headers): Auto-Submitted other than `no`,
 * `Precedence`/`X-Precedence` bulk, list, junk or auto_reply, X-Autoreply, X-Autorespond,
 * X-Autoreply-From, X-Mail-Autoreply, X-Loop, List-Id, an empty Return-Path, or an
 * out-of-office subject. `X-Auto-Response-Suppress` alone is not one: Outlook puts it on
 * people's mail too.
 */
export function classifyMail(m: ClassifyInput): MailKind {
  const h = m.headers;
  const ct = (h['content-type'] ?? '').toLowerCase();
  const reportType = /^\s*multipart\/report\b/.test(ct) ? (/report-type\s*=\s*"?([\w-]+)/.exec(ct)?.[1] ?? null) : null;
  const partsOf = (...types: string[]) =>
    m.parts
      .filter((p) => types.includes(p.mimeType.toLowerCase()))
      .map((p) => text(p.content))
      .join('\n\n');
  const dsn = partsOf('message/delivery-status', 'message/global-delivery-status');
  const arf = partsOf('message/feedback-report') || (isJmrp(m) ? 'Feedback-Type: abuse\nUser-Agent: Microsoft JMRP' : '');
  const mdn = partsOf('message/disposition-notification', 'message/global-disposition-notification');

  let report: MachineReport | null = null;
  let mdnOriginal: string | null = null;
  if (arf || reportType === 'feedback-report') {
    report = { type: 'feedback', ...parseFeedbackReport(arf) };
  } else if (mdn || reportType === 'disposition-notification') {
    const d = parseDisposition(mdn);
    mdnOriginal = d.originalId;
    report = { type: 'receipt', disposition: d.disposition, recipient: d.recipient };
  } else if (dsn || reportType === 'delivery-status' || looksLikeBounce(m)) {
    // Without a delivery-status part, the fields may still be in the text (a forwarded or flattened DSN).
    const recipients = parseDeliveryStatus(dsn || m.text);
    const outcome = dsnOutcome(recipients) ?? textOutcome(m);
    report = { type: 'bounce', outcome, recipients, diagnostic: diagnosticOf(recipients, outcome) ?? textDiagnostic(m.text) };
  }
  const ses = report ? null : sesNotification(m);
  if (ses) return { auto: true, report: ses.report, originalIds: ses.ids.filter((id) => id !== m.messageId) };
  const auto = report !== null || isAutomatic(h, m.subject);
  return { auto, report, originalIds: report ? originalIds(m, mdnOriginal) : [] };
}

/** Microsoft's junk mail reporting program (JMRP): a complaint with the original attached, not in ARF. */
const isJmrp = (m: ClassifyInput) =>
  /^\s*complaint about message from\b/i.test(m.subject) ||
  m.parts.some((p) => RFC822_PARTS.includes(p.mimeType) && /^x-hmxmroriginalrecipient:/im.test(headerSection(text(p.content))));

type SesJson = { notificationType?: string; bounce?: { bounceType?: string; bouncedRecipients?: Array<{ emailAddress?: string; diagnosticCode?: string; status?: string }> }; complaint?: { complaintFeedbackType?: string }; mail?: { headers?: Array<{ name?: string; value?: string }>; commonHeaders?: { messageId?: string } } };

/**
 * An Amazon SES notification delivered by SNS as mail ("AWS Notification Message", a JSON
 * body): a bounce (Permanent fails, Transient is a delay), a complaint or a delivery, with the
 * original's Message-ID from its headers.
 */
function sesNotification(m: ClassifyInput): { report: MachineReport; ids: string[] } | null {
  const body = m.text.trim();
  if (!body.startsWith('{') || !/\\?"notificationType\\?"/.test(body)) return null;
  let n: SesJson;
  try {
    // Long lines may arrive wrapped (sendmail breaks them as "!\n ").
    n = JSON.parse(body.slice(0, body.lastIndexOf('}') + 1).replace(/!?\r?\n[ \t]?/g, '')) as SesJson;
  } catch {
    return null;
  }
  // The raw SNS envelope carries the notification as a JSON string.
  const envelope = n as { Type?: string; Message?: unknown };
  if (envelope.Type === 'Notification' && typeof envelope.Message === 'string') {
    try {
      n = JSON.parse(envelope.Message) as SesJson;
    } catch {
      return null;
    }
  }
  const ids = [...(n.mail?.headers ?? []).filter((x) => /^message-id$/i.test(x.name ?? '')).map((x) => x.value ?? ''), n.mail?.commonHeaders?.messageId ?? '']
    .flatMap((v) => messageIdFields(`Message-ID: ${v}`));
  const type = (n.notificationType ?? '').toLowerCase();
  if (type === 'complaint') return { report: { type: 'feedback', feedbackType: n.complaint?.complaintFeedbackType ?? 'abuse', userAgent: 'Amazon SES' }, ids };
  if (type === 'delivery') return { report: { type: 'bounce', outcome: 'delivered', recipients: [], diagnostic: null }, ids };
  if (type !== 'bounce') return null;
  const recipients = (n.bounce?.bouncedRecipients ?? []).map((r) => ({ recipient: r.emailAddress ?? null, action: null, status: r.status ?? null, diagnostic: r.diagnosticCode ?? null }));
  const outcome = /^transient$/i.test(n.bounce?.bounceType ?? '') ? 'delayed' : 'failed';
  return { report: { type: 'bounce', outcome, recipients, diagnostic: recipients[0]?.diagnostic ?? recipients[0]?.status ?? null }, ids };
}

function isAutomatic(h: HeaderMap, subject: string): boolean {
  const autoSubmitted = (h['auto-submitted'] ?? '').trim().toLowerCase();
  const precedence = `${h['precedence'] ?? ''} ${h['x-precedence'] ?? ''}`.toLowerCase();
  return (
    (autoSubmitted !== '' && !autoSubmitted.startsWith('no')) ||
    /\b(bulk|list|junk|auto[_-]?reply)\b/.test(precedence) ||
    ['x-autoreply', 'x-autorespond', 'x-autoreply-from', 'x-mail-autoreply', 'x-loop', 'list-id', 'x-mlserver', 'x-ml-name'].some((k) => k in h) ||
    /^\s*reply\b/i.test(h['x-autogenerated'] ?? '') ||
    /^\s*<\s*>\s*$/.test(h['return-path'] ?? 'x') ||
    AUTO_REPLY_SUBJECT.test(subject)
  );
}

/** A bounce without a delivery-status part, told by its sender and its wording. */
function looksLikeBounce(m: ClassifyInput): boolean {
  const h = m.headers;
  if ('x-failed-recipients' in h) return true;
  const address = m.from?.address ?? '';
  const daemon =
    DAEMON_LOCAL.test(address.split('@')[0] ?? '') || DAEMON_NAME.test(m.from?.name ?? '') || /mailer-daemon/i.test(h['return-path'] ?? '') || (!address && /mailer-daemon/i.test(h['from'] ?? ''));
  const subjectSays = BOUNCE_SUBJECT.test(m.subject);
  const opening = m.text.trim().slice(0, 800) || htmlText(m.html ?? '').trim().slice(0, 800);
  const openingSays = BOUNCE_OPENING.test(opening);
  if (daemon) return subjectSays || openingSays || !AUTO_REPLY_SUBJECT.test(m.subject);
  const machine =
    !address || NO_REPLY_LOCAL.test(address) || /^\s*<\s*>\s*$/.test(h['return-path'] ?? 'x') || !['', 'no'].includes((h['auto-submitted'] ?? '').trim().toLowerCase());
  return machine ? subjectSays || openingSays : subjectSays && openingSays;
}

/** failed or delayed, from the subject and the opening of a report that has no usable Action/Status fields. */
function textOutcome(m: ClassifyInput): 'failed' | 'delayed' {
  const opening = `${m.subject}\n${(m.text || htmlText(m.html ?? '')).slice(0, 3000)}`;
  if ((DELAY_SUBJECT.test(m.subject) && !/fail|undeliver|returned/i.test(m.subject)) || WARNING_ONLY.test(opening)) return 'delayed';
  return DELAY_TEXT.test(opening) && !FINAL_TEXT.test(opening) ? 'delayed' : 'failed';
}

/** The Diagnostic-Code (else Status) of the first recipient with the report's outcome. */
function diagnosticOf(recipients: DsnRecipient[], outcome: string): string | null {
  const wanted = outcome === 'failed' ? ['failed'] : outcome === 'delayed' ? ['delayed'] : ['delivered', 'relayed', 'expanded', 'deliverable'];
  const r = recipients.find((x) => x.action && wanted.includes(x.action)) ?? recipients[0];
  return r ? (r.diagnostic ?? r.status) : null;
}

/** An SMTP reply or enhanced status code line of a plain-text bounce. */
function textDiagnostic(t: string): string | null {
  const line = t.split(/\r?\n/).find((l) => /\b[245]\d\d[ -]\d\.\d{1,3}\.\d{1,3}\b|\b[45]\.\d{1,3}\.\d{1,3}\b|(^|\s)[45]\d\d\s+\S/.test(l));
  return line ? line.trim().slice(0, 300) : null;
}

/**
 * Message-IDs of the original mail in a report, most reliable first: the MDN's
 * Original-Message-ID, the header section of an attached message or headers part, then
 * Message-ID fields anywhere in the text (inline copies: qmail, exim, old Exchange) and in
 * the raw body. The report's own Message-ID is left out.
 */
function originalIds(m: ClassifyInput, mdnOriginal: string | null): string[] {
  const ids: string[] = [];
  const add = (list: string[]) => {
    for (const id of list) if (id !== m.messageId && !ids.includes(id)) ids.push(id);
  };
  if (mdnOriginal) add(messageIdFields(`Message-ID: ${mdnOriginal}`));
  for (const p of m.parts) if (RFC822_PARTS.includes(p.mimeType.toLowerCase())) add(messageIdFields(headerSection(text(p.content))));
  add(messageIdFields(m.text));
  if (m.html) add(messageIdFields(htmlText(m.html)));
  for (const p of m.parts) if (/^(text\/|message\/)/i.test(p.mimeType) && !RFC822_PARTS.includes(p.mimeType.toLowerCase())) add(messageIdFields(text(p.content)));
  for (const p of m.parts) if (RFC822_PARTS.includes(p.mimeType.toLowerCase())) add(messageIdFields(text(p.content)));
  if (m.body) add(messageIdFields(m.body()));
  return ids.slice(0, 20);
}
