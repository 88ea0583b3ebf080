import type { SlaClockRecord, SlaClockState, SlaEventKind, SlaMetric, Ticket, TicketSla } from '@support/protocol';

/** How a countdown looks: neutral while in time, amber in the warning lead, red once breached or past due. */
export type SlaTone = 'ok' | 'warning' | 'breached';

/** Metric names as the inbox writes them (written out: a value import of the protocol package would bundle zod). */
export const METRIC_LABELS: Record<SlaMetric, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
};

/** Clock states as badges say them. */
export const STATE_LABELS: Record<SlaClockState, string> = {
  running: 'Running',
  paused: 'Paused',
  breached: 'Breached',
  fulfilled: 'Met',
  fulfilled_after_breach: 'Met late',
  cancelled: 'Cancelled',
};

/** History entries as the SLA panel says them. */
export const EVENT_LABELS: Record<SlaEventKind, string> = {
  started: 'Started',
  paused: 'Paused',
  resumed: 'Resumed',
  replanned: 'Due time changed',
  warned: 'Warning',
  breached: 'Breached',
  fulfilled: 'Met',
  cancelled: 'Cancelled',
};

/**
 * The tone of a countdown at `now` (ms since the epoch): `breached` when the server says so
 * or `dueAt` has passed (the client turns red on time, before the server's event arrives),
 * `warning` from `warnAt` (null: no warning lead), else `ok`.
 */
export function slaTone(sla: Pick<TicketSla, 'dueAt' | 'warnAt' | 'breached'>, now: number): SlaTone {
  if (sla.breached || now >= Date.parse(sla.dueAt)) return 'breached';
  if (sla.warnAt !== null && now >= Date.parse(sla.warnAt)) return 'warning';
  return 'ok';
}

/**
 * A span of whole seconds, compact: "45s", "4m", "1h 20m", "2h", "3d 4h", "3d". Each form
 * drops the units below its two largest (4m 59s is "4m"): a countdown's precision where it
 * matters, in the last minute.
 */
export function formatSpan(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) {
    const m = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)}h${m ? ` ${m}m` : ''}`;
  }
  const h = Math.floor((s % 86_400) / 3600);
  return `${Math.floor(s / 86_400)}d${h ? ` ${h}h` : ''}`;
}

/**
 * Time left until `dueAt` at `now` ("in 4m"), or since it ("5m ago"; "just now" in its first
 * second). Time left counts up to the next whole second, so the countdown reads "1s" until
 * the due instant, never "0s" before it.
 */
export function relativeDue(dueAt: string, now: number): { past: boolean; text: string } {
  const ms = Date.parse(dueAt) - now;
  if (ms > 0) return { past: false, text: formatSpan(Math.ceil(ms / 1000)) };
  const since = Math.floor(-ms / 1000);
  return { past: true, text: since < 1 ? 'just now' : `${formatSpan(since)} ago` };
}

/** A list row's countdown chip at `now`: its tone, its text ("Due in 4m", "Breached 5m ago") and its label (with the metric). */
export function slaChip(sla: TicketSla, now: number): { tone: SlaTone; text: string; label: string } {
  const tone = slaTone(sla, now);
  const metric = METRIC_LABELS[sla.metric];
  const rel = relativeDue(sla.dueAt, now);
  if (tone === 'breached') {
    const when = rel.past ? rel.text : 'just now';
    return { tone, text: `Breached ${when}`, label: `${metric} breached ${when}` };
  }
  return { tone, text: `Due in ${rel.text}`, label: `${metric} due in ${rel.text}` };
}

/** Whether a clock is still open (counting, paused, or breached and not met yet). */
export const isOpenClock = (c: Pick<SlaClockRecord, 'state'>) => c.state === 'running' || c.state === 'paused' || c.state === 'breached';

/**
 * The clock the SLA panel shows for each metric, in metric order: the metric's open clock with
 * the soonest due time, else its latest one (next response has one clock per waiting message).
 */
export function clocksToShow(clocks: SlaClockRecord[]): SlaClockRecord[] {
  const out: SlaClockRecord[] = [];
  for (const metric of Object.keys(METRIC_LABELS) as SlaMetric[]) {
    const mine = clocks.filter((c) => c.metric === metric);
    if (!mine.length) continue;
    const open = mine.filter(isOpenClock).sort((a, b) => (a.dueAt ?? '\uffff').localeCompare(b.dueAt ?? '\uffff'));
    out.push(open[0] ?? mine.reduce((a, b) => (b.createdAt >= a.createdAt ? b : a)));
  }
  return out;
}

/** The tone of a clock's due time at `now`: as a countdown while it runs; closed clocks are neutral, breached ones red. */
export function clockTone(c: SlaClockRecord, now: number): SlaTone {
  if (c.state === 'breached' || c.state === 'fulfilled_after_breach') return 'breached';
  if (c.state !== 'running' || !c.dueAt) return 'ok';
  return slaTone({ dueAt: c.dueAt, warnAt: c.warnAt, breached: false }, now);
}

/** What an SLA alert says: "SLA breached: #42 first response", "SLA warning: #42 next response due at 14:05". */
export function slaAlertText(t: Pick<Ticket, 'number' | 'subject'>, alert: { kind: 'warning' | 'breached'; metric: SlaMetric; dueAt: string }): { title: string; message: string } {
  const metric = METRIC_LABELS[alert.metric].toLowerCase();
  if (alert.kind === 'breached') return { title: `SLA breached: #${t.number}`, message: `SLA breached: #${t.number} ${metric}` };
  return { title: `SLA warning: #${t.number}`, message: `SLA warning: #${t.number} ${metric} due at ${clockTime(alert.dueAt)}` };
}

/** A time of day in the agent's locale and zone ("14:05"), with the date when it is not today at `now`. */
export function clockTime(iso: string, now = Date.now()): string {
  const d = new Date(iso);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return sameDay ? time : `${d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })} ${time}`;
}
