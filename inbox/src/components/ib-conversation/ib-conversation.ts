import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Message, Ticket, TicketPriority } from '@support/protocol';
import { store } from '../../store.js';
import { StoreController } from '../../store-controller.js';
import { ApiError, call, rest } from '../../api.js';
import { buildTimeline, capitalize, newestWithin } from '../../lib/thread.js';
import { agentName } from '../../lib/people.js';
import { STATUSES } from '../../lib/ticket-list.js';
import { backIcon, chatIcon, emailIcon, personIcon } from '../../lib/icons.js';
import { controls } from '../../styles/tokens.js';
import { renderTimeline } from './timeline.js';
import { routeOutcomeText, type RouteOutcome } from '../../lib/routing.js';
import { toast } from '../ib-toast/ib-toast.js';
import { conversationStyles } from './ib-conversation.styles.js';
import { outcomeStyles } from '../../lib/outcomes.js';
import '../ib-composer/ib-composer.js';
import '../ib-button/ib-button.js';
import '../ib-select/ib-select.js';
import '../ib-empty/ib-empty.js';
import '../ib-sla/ib-sla.js';
import '../ib-dialog/ib-dialog.js';
import '../ib-macros/ib-macro-menu.js';
import type { IbDialog } from '../ib-dialog/ib-dialog.js';
import type { SelectOption } from '../ib-select/ib-select.js';
import type { IbComposer } from '../ib-composer/ib-composer.js';

/** Timeline items rendered in the first frame of a newly opened ticket (the newest ones; an email counts as several: `newestWithin`). */
export const FIRST_FRAME_ITEMS = 60;
/** Frames (about half a second) during which an opened thread is held at its end while its items settle to their real sizes. */
const STICK_FRAMES = 30;
const PRIORITIES: TicketPriority[] = ['low', 'normal', 'high', 'urgent'];
const STATUS_OPTIONS = STATUSES.map((s) => ({ value: s, label: capitalize(s) }));
const PRIORITY_OPTIONS = PRIORITIES.map((p) => ({ value: p, label: `${capitalize(p)} priority` }));
type Change = CustomEvent<{ value: string }>;

/** The last public agent reply at or before the visitor's read marker. */
function lastSeen(messages: Message[], contactReadSeq: number, conversationId: string | undefined): number {
  let seq = 0;
  for (const m of messages)
    if (m.conversationId === conversationId && m.authorType === 'agent' && m.visibility === 'public' && m.seq <= contactReadSeq) seq = m.seq;
  return seq;
}

/**
 * The open ticket: who asked (kept live), actions (assign, status, priority, tags), its SLA
 * clocks (`ib-sla`), the collision notice, the timeline (messages, notes, activities, day separators, "seen",
 * typing; a focusable scroll region) and the composer; or "not found" for a ticket that
 * cannot be opened. Fires `ib-back` (back to the list) and `ib-toggle-contact` (the contact
 * panel, on screens without room for the sidebar; `contactOpen` says whether it is open).
 * A newly opened ticket first renders its newest FIRST_FRAME_ITEMS items (what is on
 * screen), then the rest in the next task. Performance measures: `ib-open:render` (data in
 * hand → first frame's thread laid out) and `ib-open:full` (→ whole thread laid out).
 */
export class IbConversation extends LitElement {
  static styles = [controls, conversationStyles, outcomeStyles];
  static properties = { contactOpen: { type: Boolean } };
  declare contactOpen: boolean;
  private readonly _store = new StoreController(this);
  private shownId: string | null = null;
  private shownCount = 0;
  private measuring: 'first' | 'full' | null = null;
  private limit = Infinity;
  /** The thread was at its end when the older items were added (keep it there). */
  private endBeforeFull = false;
  private stickRun = 0;
  private agentScrolled = false;
  private readonly onAgentScroll = () => (this.agentScrolled = true);
  /** The last ticket action's error, shown under the actions until the next one. */
  private actionError = '';
  /** An assignment refused with OVER_CAPACITY, waiting for the agent to confirm it (sent again with `force`). */
  private overCapacity: { ticketId: string; payload: Record<string, unknown>; message: string } | null = null;
  private typingTimer: ReturnType<typeof setInterval> | undefined;
  /** The ticket a "Route now" request is out for (its button is disabled meanwhile). */
  private routing: string | null = null;

  constructor() {
    super();
    this.contactOpen = false;
  }

  connectedCallback() {
    super.connectedCallback();
    // Typing indicators expire on the client: re-render while any is shown.
    this.typingTimer = setInterval(() => {
      if (store.open?.typing.size) this.requestUpdate();
    }, 1000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.typingTimer);
  }

  composer(): IbComposer | null {
    return this.renderRoot.querySelector('ib-composer');
  }

  /** Moves keyboard focus into the ticket: its conversation (arrows scroll it), or the way back when it was not found. */
  focusThread() {
    (this.renderRoot.querySelector('.thread, .not-found ib-button') as HTMLElement | null)?.focus();
  }

  private back() {
    this.dispatchEvent(new CustomEvent('ib-back', { bubbles: true, composed: true }));
  }

  private renderMissing() {
    if (store.openError)
      return html`<ib-empty class="not-found" role="alert" icon="missing" heading="Could not open this ticket">${store.openError}
        <ib-button slot="actions" variant="primary" @click=${() => void store.openTicket(store.missing, false)}>Try again</ib-button>
        <ib-button slot="actions" @click=${this.back}>Back to the list</ib-button>
      </ib-empty>`;
    return html`<ib-empty class="not-found" role="alert" icon="missing" heading="Ticket not found">
      There is no ticket at this address that you can see. It may have been deleted or moved out of your sight, or the link may be wrong.
      <ib-button slot="actions" variant="primary" @click=${this.back}>Back to the list</ib-button>
    </ib-empty>`;
  }

  willUpdate() {
    if (store.open && store.open.id !== this.shownId) {
      performance.mark('ib-open:render-start');
      this.actionError = '';
      this.measuring = 'first';
      this.limit = FIRST_FRAME_ITEMS;
    }
  }

  updated() {
    // Email messages render their bodies in their own update, after this one: scroll and
    // measure once they have, so both see the thread as laid out.
    const emails = Array.from(this.renderRoot.querySelectorAll('ib-email')) as LitElement[];
    if (emails.some((e) => e.isUpdatePending)) void Promise.all(emails.map((e) => e.updateComplete)).then(() => this.settle());
    else this.settle();
  }

  /** After a render (and the email bodies'): keeps the thread scrolled to the end, records the open measures. */
  private settle() {
    const open = store.open;
    const scroller = this.renderRoot.querySelector('.thread') as HTMLElement | null;
    if (!open || !scroller) {
      this.shownId = null;
      return;
    }
    const count = open.messages.size + open.pending.length;
    const nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
    if (open.id !== this.shownId || (count > this.shownCount && nearBottom)) this.stickToEnd(scroller);
    // Reading scrollHeight above forced style and layout, so the measures cover them.
    if (this.measuring === 'first') {
      performance.measure('ib-open:render', 'ib-open:render-start');
      this.measuring = this.limit < Infinity ? 'full' : null;
      if (this.limit < Infinity)
        setTimeout(() => {
          this.limit = Infinity;
          this.endBeforeFull = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
          this.requestUpdate();
        });
    } else if (this.measuring === 'full' && this.limit === Infinity) {
      performance.measure('ib-open:full', 'ib-open:render-start');
      this.measuring = null;
      // The older items went in above: still at the end if the agent was there.
      if (this.endBeforeFull) this.stickToEnd(scroller);
    }
    this.shownId = open.id;
    this.shownCount = count;
  }

  /**
   * Scrolls to the end, then again over the next frames while messages that come into view
   * grow from their estimated size (`content-visibility`) to their real one, for
   * STICK_FRAMES frames or until the agent scrolls (wheel, touch, pointer, keys).
   */
  private stickToEnd(scroller: HTMLElement) {
    const run = ++this.stickRun;
    this.agentScrolled = false;
    let frames = 0;
    const step = () => {
      if (run !== this.stickRun || this.agentScrolled) return;
      if (scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight > 1) scroller.scrollTop = scroller.scrollHeight;
      if (++frames < STICK_FRAMES) requestAnimationFrame(step);
    };
    step();
  }

  private act(event: 'ticket:setStatus' | 'ticket:setPriority' | 'ticket:assign' | 'ticket:addTag' | 'ticket:removeTag', payload: Record<string, unknown>, ticketId = store.open?.id) {
    const s = store.socket;
    if (!s || !ticketId) return;
    this.actionError = '';
    void (call(s, event, { ticketId, ...payload } as never) as Promise<{ ticket: NonNullable<typeof store.open>['ticket']; activities: NonNullable<typeof store.open>['activities'] }>).then(
      (r) => {
        if (store.open?.id === ticketId) store.open.setTicket(r.ticket, r.activities);
      },
      (err: Error) => {
        if (err instanceof ApiError && err.code === 'OVER_CAPACITY' && event === 'ticket:assign' && !payload.force) return void this.askOverCapacity(ticketId, payload, this.overCapacityText(err, payload));
        // The menus (bound with live()) go back to the ticket as it is.
        this.actionError = err.message;
        this.requestUpdate();
      },
    );
  }

  private overDialog(): IbDialog | null {
    return this.renderRoot.querySelector('ib-dialog.over');
  }

  /** Asks whether to assign over the agent's routing capacity; the menus show the ticket as it is meanwhile. */
  private async askOverCapacity(ticketId: string, payload: Record<string, unknown>, message: string) {
    this.overCapacity = { ticketId, payload, message };
    this.requestUpdate();
    await this.updateComplete;
    this.overDialog()?.show();
  }

  /** The agent's answer: `assign` sends the assignment again with `force: true`; otherwise it is left as it is. */
  private answerOverCapacity(assign: boolean) {
    const asked = this.overCapacity;
    if (!asked) return;
    this.overCapacity = null;
    this.overDialog()?.close();
    if (assign) this.act('ticket:assign', { ...asked.payload, force: true }, asked.ticketId);
    this.requestUpdate();
  }

  /**
   * The question from the refusal's details (load, capacity, channel) and the agent's name:
   * "Ann already has 3 of 3 chats. Assign anyway?"; the server's own sentence when they are missing.
   */
  private overCapacityText(err: ApiError, payload: Record<string, unknown>) {
    const d = err.details as { load?: number; capacity?: number; channel?: string } | undefined;
    const name = store.agents.get(String(payload.assigneeId))?.name;
    if (!name || typeof d?.load !== 'number' || typeof d.capacity !== 'number') return err.message;
    return `${name} already has ${d.load} of ${d.capacity} ${d.channel === 'email' ? 'emails' : 'chats'}. Assign anyway?`;
  }

  /** Shortcut and button actions. */
  resolve() {
    this.act('ticket:setStatus', { status: 'resolved' });
  }
  assignToMe() {
    if (store.agent) this.act('ticket:assign', { assigneeId: store.agent.id });
  }

  /**
   * "Route now": runs the routing rules and policy for the open ticket
   * (`POST /api/tickets/:ticketId/route`) and says the outcome in a toast. The ticket itself
   * (assignee, the `routed` activity) updates from the `ticket:updated` event like any change.
   * If the button goes (the ticket was given out), focus moves to the assignee menu.
   */
  async routeNow() {
    const ticketId = store.open?.id;
    if (!ticketId || this.routing) return;
    const hadFocus = this.renderRoot.querySelector('ib-button.route')?.matches(':focus-within') ?? false;
    this.routing = ticketId;
    this.actionError = '';
    this.requestUpdate();
    try {
      const r = await rest<{ outcome: RouteOutcome; ticket: Ticket }>('POST', `/api/tickets/${encodeURIComponent(ticketId)}/route`);
      toast(this, routeOutcomeText(r.outcome, r.ticket, store.agents), r.outcome === 'assigned' ? 'success' : 'info');
    } catch (err) {
      this.actionError = `Not routed: ${(err as Error).message}`;
      toast(this, this.actionError, 'error');
    } finally {
      this.routing = null;
      this.requestUpdate();
    }
    await this.updateComplete;
    if (hadFocus && !this.renderRoot.querySelector('ib-button.route')) (this.renderRoot.querySelector('ib-select.assignee') as HTMLElement | null)?.focus();
  }

  private onAssign(e: Change) {
    const v = e.detail.value;
    if (v.startsWith('team_')) this.act('ticket:assign', { teamId: v });
    else if (v === 'team:none') this.act('ticket:assign', { teamId: null });
    else this.act('ticket:assign', { assigneeId: v || null });
  }

  private onTag(e: KeyboardEvent) {
    const input = e.target as HTMLInputElement;
    if (e.key !== 'Enter' || !input.value.trim()) return;
    this.act('ticket:addTag', { tag: input.value.trim() });
    input.value = '';
  }

  /** "Route now" is offered to members who may assign, on an open or pending ticket nobody has. */
  private routable(t: Ticket): boolean {
    return store.permissions.includes('tickets.assign') && (t.status === 'open' || t.status === 'pending') && !t.assigneeId;
  }

  /** Agents (with their presence), then the teams: picking a team sets the ticket's team. */
  private assigneeOptions(): SelectOption[] {
    const me = store.agent?.id;
    return [
      { value: '', label: 'Unassigned' },
      ...[...store.agents.values()].map((a) => ({ value: a.id, label: `${a.name}${a.id === me ? ' (me)' : ''} · ${a.availability}` })),
      ...store.teams.map((x) => ({ value: x.id, label: `Team: ${x.name}`, group: 'Team' })),
      { value: 'team:none', label: 'No team', group: 'Team' },
    ];
  }

  private macroTarget: { id: string; number: number } | null = null;
  /** The ticket the Macros menu applies to: the same object while the same ticket is open. */
  private macroTicket(t: Ticket) {
    if (this.macroTarget?.id !== t.id) this.macroTarget = { id: t.id, number: t.number };
    return this.macroTarget;
  }

  render() {
    const open = store.open;
    if (!open) {
      if (store.missing) return this.renderMissing();
      return html`<ib-empty class="empty" icon="inbox" heading="No ticket open">Select a ticket to read it here. Press <kbd>?</kbd> for keyboard shortcuts.</ib-empty>`;
    }
    const t = open.ticket;
    const who = t.requester.name ?? open.contact.name ?? t.requester.email ?? 'Visitor';
    const email = t.requester.name ? t.requester.email : null;
    const chatConversations = new Set(open.conversations.filter((c) => c.channel === 'chat').map((c) => c.id));
    const messages = open.messages.list();
    const conv = open.conversations[open.conversations.length - 1];
    const seenSeq = lastSeen(messages, conv?.contactLastReadSeq ?? 0, conv?.id);
    const all = buildTimeline(messages, open.activities, open.pending);
    const items = newestWithin(all, this.limit);
    const me = store.agent?.id;
    const typing = open.typingNow();
    const viewers = [...open.viewers].filter((v) => v !== me);
    const agentsTyping = typing.filter(([, x]) => x.authorType === 'agent').map(([id]) => agentName(store.agents, id));
    const visitorTyping = typing.some(([, x]) => x.authorType === 'contact');
    const team = store.teams.find((x) => x.id === t.teamId);
    return html`
      <header>
        <div class="top">
          <ib-button class="back" variant="ghost" icon label="Back to the list" title="Back to the list (Esc)" @click=${this.back}>${backIcon}</ib-button>
          <div class="heading">
            <h2 class="title"><span class="num">#${t.number}</span> <span class="subject">${t.subject}</span></h2>
            <div class="requester"><span class="icon">${t.channel === 'email' ? emailIcon : chatIcon}</span><span class="name">${who}</span>${email ? html`<span class="address">· ${email}</span>` : nothing}</div>
          </div>
          ${store.seesContacts
            ? html`<ib-button class="contact-toggle" label="Contact details" .expanded=${this.contactOpen}
                @click=${() => this.dispatchEvent(new CustomEvent('ib-toggle-contact', { bubbles: true, composed: true }))}>${personIcon}<span class="wide">Contact</span></ib-button>`
            : nothing}
          <ib-button class="resolve" variant="primary" @click=${() => this.resolve()} ?disabled=${t.status === 'resolved'} title="Resolve (e)" keyshortcuts="e">Resolve</ib-button>
        </div>
        <div class="actions">
          <ib-button class="me" @click=${() => this.assignToMe()} ?disabled=${t.assigneeId === me} title="Assign to me (a)" keyshortcuts="a">Assign to me</ib-button>
          ${this.routable(t)
            ? html`<ib-button class="route" @click=${() => void this.routeNow()} ?disabled=${this.routing === t.id} title="Give this ticket out by the routing rules and policy now">Route now</ib-button>`
            : nothing}
          ${store.permissions.includes('tickets.write') ? html`<ib-macro-menu .ticket=${this.macroTicket(t)}></ib-macro-menu>` : nothing}
          <ib-select class="assignee" label="Assignee" .options=${this.assigneeOptions()} .value=${live(t.assigneeId ?? '')} @ib-change=${this.onAssign}></ib-select>
          <ib-select label="Status" .options=${STATUS_OPTIONS} .value=${live(t.status)}
            @ib-change=${(e: Change) => this.act('ticket:setStatus', { status: e.detail.value })}></ib-select>
          <ib-select label="Priority" .options=${PRIORITY_OPTIONS} .value=${live(t.priority)}
            @ib-change=${(e: Change) => this.act('ticket:setPriority', { priority: e.detail.value })}></ib-select>
        </div>
        <div class="tags">
          ${team ? html`<span class="chip team">Team: ${team.name}</span>` : nothing}
          ${t.tags.map((g) => html`<span class="chip tag">${g}<button aria-label="Remove tag ${g}" @click=${() => this.act('ticket:removeTag', { tag: g })}>×</button></span>`)}
          <input class="field addtag" placeholder="Add a tag…" aria-label="Add tag" @keydown=${this.onTag} />
        </div>
        <ib-sla></ib-sla>
        ${this.actionError ? html`<div class="error" role="alert">${this.actionError}</div>` : nothing}
      </header>
      ${viewers.length || agentsTyping.length
        ? html`<div class="collision" role="status">
            ${agentsTyping.length ? html`${agentsTyping.join(', ')} ${agentsTyping.length > 1 ? 'are' : 'is'} typing here. ` : nothing}
            ${viewers.length ? html`Also viewing: ${viewers.map((v) => agentName(store.agents, v)).join(', ')}` : nothing}
          </div>`
        : nothing}
      <div class="thread" role="log" tabindex="0" aria-label="Conversation with ${who}" @wheel=${this.onAgentScroll} @touchmove=${this.onAgentScroll} @pointerdown=${this.onAgentScroll} @keydown=${this.onAgentScroll}>
        ${open.hasMoreBefore && items === all ? html`<ib-button class="earlier" size="sm" @click=${() => void open.loadEarlier()}>Load earlier messages</ib-button>` : nothing}
        ${renderTimeline(items, store.agents, seenSeq, chatConversations, (cmid) => {
          const p = open.pending.find((x) => x.clientMessageId === cmid);
          if (p) void open.send(p.body, p.visibility, cmid, p.attachmentIds).catch(() => {});
        }, { places: store, channel: t.channel })}
        ${visitorTyping ? html`<div class="typing">The visitor is typing…</div>` : nothing}
      </div>
      <ib-composer .ticketId=${t.id}></ib-composer>
      <ib-dialog class="over" label="Assign over capacity?" size="sm" @ib-close=${() => this.answerOverCapacity(false)}>
        <p>${this.overCapacity ? this.overCapacity.message : nothing}</p>
        <ib-button slot="footer" autofocus @click=${() => this.answerOverCapacity(false)}>Cancel</ib-button>
        <ib-button slot="footer" variant="primary" @click=${() => this.answerOverCapacity(true)}>Assign anyway</ib-button>
      </ib-dialog>
    `;
  }
}
customElements.define('ib-conversation', IbConversation);
