import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Activity, Agent, Channel, Message } from '@support/protocol';
import type { TimelineItem } from '../../lib/thread.js';
import { agentName } from '../../lib/people.js';
import { addressText, deliveryText, formatSize, isOwnAttachmentUrl } from '../../lib/email-html.js';
import { linkify } from '../../lib/linkify.js';
import { emailIcon } from '../../lib/icons.js';
import { isDecision, loadText, moreText, reasonText, routedText, type Places } from '../../lib/routing.js';
import { actorName, renderRun, ruleActors, snoozedText } from './activity-automation.js';
import '../ib-email/ib-email.js';

// One formatter for every row: toLocale*String with options builds a new one per call (slow).
const hhmm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const time = (iso: string) => hhmm.format(new Date(iso));
const text = (v: unknown) => (v == null ? 'none' : String(v));

const NO_PLACES: Places = { teams: [], inboxes: [] };

/** One sentence for an activity ("Ana assigned this to Bo", "Routed to Ann by Balanced (team Billing)"), always rendered as text. */
export function activityText(a: Activity, agents: Map<string, Agent>, places: Places = NO_PLACES, rules: Map<string, string> = new Map()): string {
  if (a.kind === 'routed') return isDecision(a.newValue) ? routedText(a.newValue, agents, places) : 'Routed';
  const who = actorName(a, (id) => agentName(agents, id), rules);
  switch (a.kind) {
    case 'snoozed':
      return snoozedText(a, who);
    case 'assigned':
      return a.newValue ? `${who} assigned this to ${agentName(agents, a.newValue as string)}` : `${who} unassigned this`;
    case 'team_changed':
      return a.newValue ? `${who} set the team` : `${who} cleared the team`;
    case 'status_changed':
      return `${who} changed the status from ${text(a.oldValue)} to ${text(a.newValue)}`;
    case 'priority_changed':
      return `${who} changed the priority from ${text(a.oldValue)} to ${text(a.newValue)}`;
    case 'tag_added':
      return `${who} added the tag ${text(a.newValue)}`;
    case 'tag_removed':
      return `${who} removed the tag ${text(a.oldValue)}`;
    default:
      return `${who}: ${a.kind}`;
  }
}

const THUMBNAIL_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** A message's files as download links with their size; images served by us as thumbnails. Inline images of shown HTML are already in it. */
function attachments(m: Message): TemplateResult | typeof nothing {
  const files = (m.attachments ?? []).filter((a) => !(a.inline && m.html));
  if (!files.length) return nothing;
  return html`<ul class="files" aria-label="Attachments">
    ${files.map((a) => {
      const own = isOwnAttachmentUrl(a.url);
      const label = html`${a.filename} <span class="size">(${formatSize(a.size)})</span>`;
      if (!own) return html`<li>${label}</li>`;
      return html`<li><a href=${a.url} target="_blank" rel="noopener noreferrer" download=${a.filename}
        >${THUMBNAIL_TYPES.has(a.contentType) ? html`<img class="thumb" src=${a.url} alt="" loading="lazy" />` : nothing}${label}</a></li>`;
    })}
  </ul>`;
}

/**
 * The delivery state of an outbound email ("Sent", "Sending…", "Failed: …", "Not sent: …");
 * for a chat reply sent on by email, which address it went to ("Email to a@b.c · Sent").
 */
function delivery(m: Message, chat: boolean): TemplateResult | typeof nothing {
  const d = m.email?.delivery;
  if (!d) return nothing;
  const to = chat && m.email!.to.length ? `Email to ${m.email!.to.map(addressText).join(', ')} · ` : chat ? 'Email · ' : '';
  return html`<div class="delivery ${d.status}" role="status" title=${`${d.status} · ${d.attempts} attempt(s) · ${d.updatedAt}`}>${to}${deliveryText(d, time)}</div>`;
}

/**
 * A `routed` activity: its sentence, and a disclosure listing the candidates with their load
 * and why each was or was not chosen (a native <details>: keyboard and screen readers for free).
 */
function routed(a: Activity, agents: Map<string, Agent>, places: Places, channel: Channel) {
  const line = html`${activityText(a, agents, places)} · ${time(a.createdAt)}`;
  if (!isDecision(a.newValue) || !a.newValue.candidates.length) return html`<div class="activity routed">${line}</div>`;
  return html`<div class="activity routed"><details><summary>${line}</summary>
    <ul class="candidates" aria-label="Candidates">${a.newValue.candidates.map(
      (c) => html`<li class=${c.reason}><span class="name">${c.name}</span> · ${loadText(c, channel)} · ${reasonText(c.reason)}</li>`,
    )}${a.newValue.more ? html`<li class="more">${moreText(a.newValue.more)}</li>` : nothing}</ul></details></div>`;
}

/**
 * The timeline's items as templates; `seenSeq` is the last agent reply the visitor has seen
 * (marked "Seen"). Messages of `chatConversations` show as chat (text with its links
 * clickable) even when they were also sent on by email; the others' email shows as email.
 * `routing` names teams and inboxes in routing decisions, and the ticket's channel (the unit of load).
 */
export function renderTimeline(
  items: TimelineItem[],
  agents: Map<string, Agent>,
  seenSeq: number,
  chatConversations: Set<string>,
  onRetry: (cmid: string) => void,
  routing: { places: Places; channel: Channel } = { places: NO_PLACES, channel: 'chat' },
) {
  const rules = ruleActors(items);
  // Keyed: older items put before the newest keep the DOM of those already shown (so the
  // browser's scroll anchoring holds the view, and email bodies are not parsed again).
  return repeat(items, (it) => it.key, (it) => {
    switch (it.kind) {
      case 'day':
        return html`<div class="day"><span>${it.label}</span></div>`;
      case 'activity':
        if (it.activity.kind === 'routed') return routed(it.activity, agents, routing.places, routing.channel);
        if (it.activity.kind === 'automation' || it.activity.kind === 'macro')
          return renderRun(it.activity, actorName(it.activity, (id) => agentName(agents, id), rules), time(it.activity.createdAt));
        return html`<div class="activity">${activityText(it.activity, agents, NO_PLACES, rules)} · ${time(it.activity.createdAt)}</div>`;
      case 'pending':
        return html`<div class="msg agent ${it.pending.visibility} pending">
          <div class="head"><span class="author">You</span>${it.pending.visibility === 'internal' ? html`<span class="badge">Internal note</span>` : nothing}
            <span class="time">${it.pending.failed ? html`not sent · <button class="retry" @click=${() => onRetry(it.pending.clientMessageId)}>Retry</button>` : 'sending…'}</span></div>
          <div class="body">${linkify(it.pending.body)}</div>
          ${it.pending.attachmentIds?.length ? html`<div class="files">${it.pending.attachmentIds.length} file(s)</div>` : nothing}
        </div>`;
      case 'message': {
        const m = it.message;
        const author = m.authorName ?? (m.authorType === 'contact' ? 'Visitor' : m.authorType === 'system' ? 'System' : 'Agent');
        const seen = m.seq === seenSeq;
        const chat = chatConversations.has(m.conversationId);
        const asEmail = !!m.email && !chat;
        return html`<div class="msg ${m.authorType} ${m.visibility} ${asEmail ? 'has-email' : ''}" data-seq=${m.seq} data-id=${m.id}>
          <div class="head"><span class="author">${author}</span>${m.visibility === 'internal' ? html`<span class="badge">Internal note</span>` : nothing}
            <span class="time" title=${m.createdAt}>${time(m.createdAt)}</span>${seen ? html`<span class="seen">Seen</span>` : nothing}
            ${chat && m.email ? html`<span class="via">${emailIcon} ${m.email.direction === 'in' ? 'by email' : 'also by email'}</span>` : nothing}</div>
          ${asEmail ? html`<ib-email .message=${m}></ib-email>` : html`<div class="body">${linkify(m.body)}</div>`}
          ${attachments(m)} ${delivery(m, chat)}
        </div>`;
      }
    }
  });
}
