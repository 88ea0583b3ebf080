/**
 * Machine reports about mail we sent: delivery status notifications (RFC 3464, also the
 * UTF-8 `message/global-delivery-status` of RFC 6533), abuse and feedback reports (ARF,
 * RFC 5965) and read receipts (MDN, RFC 8098), and the Message-IDs of the original mail they
 * carry. Pure text functions: no database, no MIME parser (the parts come from mime.ts).
 */

/** One recipient block of a delivery-status part. */
export type DsnRecipient = {
  recipient: string | null;
  /** failed | delayed | delivered | relayed | expanded (lower case), or null when absent. */
  action: string | null;
  /** The RFC 3463 status code, e.g. `5.1.1`. */
  status: string | null;
  /** The Diagnostic-Code field as written, e.g. `smtp; 550 5.1.1 User unknown`. */
  diagnostic: string | null;
};

/**
 * What a machine report says. `bounce`: a delivery report, whose `outcome` is `failed` (the
 * mail will not arrive), `delayed` (the server keeps trying) or `delivered` (delivered,
 * relayed or expanded: a success notice). `feedback`: an abuse or feedback report.
 * `receipt`: a read receipt (message disposition notification).
 */
export type MachineReport =
  | { type: 'bounce'; outcome: 'failed' | 'delayed' | 'delivered'; recipients: DsnRecipient[]; diagnostic: string | null }
  | { type: 'feedback'; feedbackType: string; userAgent: string | null }
  | { type: 'receipt'; disposition: string; recipient: string | null };

/** Header-style fields of a report part: unfolded, names lower-cased, in blocks split at blank lines. */
export function fieldBlocks(text: string): Array<Array<[string, string]>> {
  const blocks: Array<Array<[string, string]>> = [];
  let block: Array<[string, string]> = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (!line.trim()) {
      if (block.length) blocks.push(block);
      block = [];
    } else if (/^[ \t]/.test(line) && block.length) {
      const last = block[block.length - 1]!;
      last[1] = `${last[1]} ${line.trim()}`;
    } else {
      const m = /^([!-9;-~]+)[ \t]*:(.*)$/.exec(line);
      if (m) block.push([m[1]!.toLowerCase(), m[2]!.trim()]);
    }
  }
  if (block.length) blocks.push(block);
  return blocks;
}

const afterType = (v: string) => v.replace(/^[\w-]+\s*;\s*/, '').trim() || null;

/**
 * The recipients of a delivery-status part. A recipient starts at each Final-Recipient (or
 * at an Original-Recipient before one), so reports that leave out the blank lines between
 * recipients are read too.
 */
export function parseDeliveryStatus(text: string): DsnRecipient[] {
  const out: DsnRecipient[] = [];
  for (const block of fieldBlocks(text)) {
    let cur: DsnRecipient | null = null;
    let pendingOriginal: string | null = null;
    for (const [k, v] of block) {
      if (k === 'original-recipient' && (!cur || cur.recipient)) {
        pendingOriginal = afterType(v);
        continue;
      }
      if (k === 'final-recipient' || k === 'x-actual-recipient') {
        if (k === 'x-actual-recipient' && cur) continue;
        if (!cur || cur.recipient || cur.action) {
          cur = { recipient: null, action: null, status: null, diagnostic: null };
          out.push(cur);
        }
        cur.recipient = afterType(v) ?? pendingOriginal;
        pendingOriginal = null;
        continue;
      }
      if (k !== 'action' && k !== 'status' && k !== 'diagnostic-code') continue;
      if (!cur) {
        cur = { recipient: pendingOriginal, action: null, status: null, diagnostic: null };
        out.push(cur);
      }
      if (k === 'action') cur.action = v.toLowerCase().split(/[\s(;]/)[0] || null;
      else if (k === 'status') cur.status = /\d\.\d{1,3}\.\d{1,3}/.exec(v)?.[0] ?? (v || null);
      else cur.diagnostic = v || null;
    }
  }
  return out.filter((r) => r.action || r.status || r.diagnostic);
}

/** The overall outcome of a DSN's recipients; null when they say nothing (no Action, no Status). */
export function dsnOutcome(recipients: DsnRecipient[]): 'failed' | 'delayed' | 'delivered' | null {
  const actions = recipients.map((r) => r.action).filter(Boolean);
  if (actions.includes('failed')) return 'failed';
  if (actions.includes('delayed')) return 'delayed';
  if (actions.some((a) => a === 'delivered' || a === 'relayed' || a === 'expanded' || a === 'deliverable')) return 'delivered';
  const classes = recipients.map((r) => r.status?.[0]).filter(Boolean);
  if (classes.includes('5')) return 'failed';
  if (classes.includes('4')) return 'delayed';
  if (classes.includes('2')) return 'delivered';
  return null;
}

/** Feedback-Type and User-Agent of an ARF `message/feedback-report` part. */
export function parseFeedbackReport(text: string): { feedbackType: string; userAgent: string | null } {
  const fields = fieldBlocks(text).flat();
  const get = (k: string) => fields.find(([n]) => n === k)?.[1] ?? null;
  return { feedbackType: (get('feedback-type') ?? 'abuse').toLowerCase(), userAgent: get('user-agent') };
}

/** Disposition, recipient and original Message-ID of an MDN `message/disposition-notification` part. */
export function parseDisposition(text: string): { disposition: string; recipient: string | null; originalId: string | null } {
  const fields = fieldBlocks(text).flat();
  const get = (k: string) => fields.find(([n]) => n === k)?.[1] ?? null;
  const disposition = get('disposition') ?? '';
  return {
    disposition: /;\s*([\w-]+)/.exec(disposition)?.[1]?.toLowerCase() ?? (disposition.toLowerCase() || 'displayed'),
    recipient: afterType(get('final-recipient') ?? get('original-recipient') ?? ''),
    originalId: get('original-message-id'),
  };
}

// A Message-ID field at the start of a line, also in a quoted ("> ") or indented copy of the
// original's headers, and folded onto the next line (as Exchange and some MTAs write it).
const MESSAGE_ID_LINE = /(?:^|\n)[ \t>|]*(?:x-(?:ms-exchange-)?original-|original-)?message-id[ \t]*:[ \t]*(?:\r?\n[ \t]+)?(<[^<>\s]+>|[^\s<>]+@[^\s<>]+)/gi;

/** The ids of every Message-ID field found in `text` (see MESSAGE_ID_LINE), without brackets, in order. */
export function messageIdFields(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(MESSAGE_ID_LINE)) {
    const id = m[1]!.replace(/^<|>$/g, '').replace(/[.,;]+$/, '');
    if (id.includes('@') && !out.includes(id)) out.push(id);
  }
  return out;
}

/** The header section of a message or header part: the text up to its first blank line. */
export const headerSection = (text: string): string => text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)[0] ?? '';
