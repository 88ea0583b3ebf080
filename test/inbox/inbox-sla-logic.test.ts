import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SlaClockRecord, TicketListItem, TicketSla } from '@support/protocol';
import { clocksToShow, clockTime, clockTone, formatSpan, relativeDue, slaAlertText, slaChip, slaTone } from '../../inbox/src/lib/sla.js';
import { ClockController, Ticker } from '../../inbox/src/lib/ticker.js';
import { soonestDueFirst, TicketList } from '../../inbox/src/lib/ticket-list.js';

const T0 = Date.parse('2026-12-07T12:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const sla = (o: Partial<TicketSla> = {}): TicketSla => ({ metric: 'first_response', dueAt: at(3600), warnAt: at(3000), breached: false, ...o });

const ticket = (n: number, o: Partial<TicketListItem> = {}): TicketListItem => ({
  id: `tkt_${String(n).padStart(26, '0')}`,
  status: 'open',
  updatedAt: new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString(),
  lastMessageAt: null,
  lastMessagePreview: null,
  firstResponseAt: null,
  resolvedAt: null,
  number: n,
  subject: `Subject ${n}`,
  priority: 'normal',
  channel: 'chat',
  inboxId: 'inb_1',
  requester: { id: 'ct_1', name: `Name ${n}`, email: null },
  assigneeId: null,
  teamId: null,
  tags: [],
  createdAt: new Date(Date.UTC(2025, 0, 1)).toISOString(),
  closedAt: null,
  sla: null,
  conversationId: null,
  lastSeq: 0,
  unreadCount: 0,
  ...o,
});

describe('SLA countdown (injected now, no timers)', () => {
  it('formats spans compactly, down to seconds in the last minute', () => {
    expect(formatSpan(0)).toBe('0s');
    expect(formatSpan(45)).toBe('45s');
    expect(formatSpan(59.9)).toBe('59s');
    expect(formatSpan(60)).toBe('1m');
    expect(formatSpan(4 * 60 + 59)).toBe('4m');
    expect(formatSpan(3600)).toBe('1h');
    expect(formatSpan(80 * 60)).toBe('1h 20m');
    expect(formatSpan(86_399)).toBe('23h 59m');
    expect(formatSpan(86_400)).toBe('1d');
    expect(formatSpan(3 * 86_400 + 4 * 3600 + 59)).toBe('3d 4h');
    expect(formatSpan(-5)).toBe('0s');
  });

  it('is neutral before warnAt, amber from it, red from dueAt or when the server says breached', () => {
    const s = sla();
    expect(slaTone(s, T0)).toBe('ok');
    expect(slaTone(s, T0 + 2999_999)).toBe('ok');
    expect(slaTone(s, T0 + 3000_000)).toBe('warning');
    expect(slaTone(s, T0 + 3599_999)).toBe('warning');
    expect(slaTone(s, T0 + 3600_000)).toBe('breached');
    expect(slaTone(sla({ warnAt: null }), T0 + 3599_999)).toBe('ok');
    expect(slaTone(sla({ breached: true }), T0)).toBe('breached');
  });

  it('chips say time left with the metric in the label, and how long ago a target was breached', () => {
    expect(slaChip(sla(), T0 - 20 * 60_000)).toEqual({ tone: 'ok', text: 'Due in 1h 20m', label: 'First response due in 1h 20m' });
    expect(slaChip(sla({ metric: 'resolution' }), T0 + 3360_000)).toEqual({ tone: 'warning', text: 'Due in 4m', label: 'Resolution due in 4m' });
    // The last second counts as "1s", never "0s" before the due instant.
    expect(slaChip(sla(), T0 + 3599_500).text).toBe('Due in 1s');
    expect(slaChip(sla(), T0 + 3600_000)).toMatchObject({ tone: 'breached', text: 'Breached just now' });
    expect(slaChip(sla({ metric: 'next_response' }), T0 + 3900_000)).toEqual({ tone: 'breached', text: 'Breached 5m ago', label: 'Next response breached 5m ago' });
    // Breached by the server's word before the local clock got there (clocks a little apart).
    expect(slaChip(sla({ breached: true }), T0 + 3590_000).text).toBe('Breached just now');
    expect(relativeDue(at(90), T0)).toEqual({ past: false, text: '1m' });
    expect(relativeDue(at(-7200), T0)).toEqual({ past: true, text: '2h ago' });
  });

  it('alerts say which ticket and which target', () => {
    const t = { number: 42, subject: 'Refund' };
    expect(slaAlertText(t, { kind: 'breached', metric: 'first_response', dueAt: at(0) })).toEqual({ title: 'SLA breached: #42', message: 'SLA breached: #42 first response' });
    const w = slaAlertText(t, { kind: 'warning', metric: 'next_response', dueAt: at(600) });
    expect(w.title).toBe('SLA warning: #42');
    expect(w.message).toBe(`SLA warning: #42 next response due at ${clockTime(at(600))}`);
    // The time of day, with the date only when it is another day.
    expect(clockTime(at(60), T0)).not.toMatch(/\d{1,2} \w{3}|\w{3} \d{1,2}/);
    expect(clockTime(at(3 * 86_400), T0)).toMatch(/\w{3}/);
  });

  it('the tone only ever moves forward as time passes: ok → warning → breached', () => {
    const rank = { ok: 0, warning: 1, breached: 2 };
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 86_400 }), fc.integer({ min: 0, max: 3600 }), fc.array(fc.integer({ min: -100_000, max: 200_000 }), { minLength: 2, maxLength: 20 }), (due, lead, times) => {
        const s = sla({ dueAt: at(due), warnAt: lead ? at(due - Math.min(lead, due)) : null });
        const tones = [...times].sort((a, b) => a - b).map((t) => rank[slaTone(s, T0 + t * 1000)]);
        for (let i = 1; i < tones.length; i++) expect(tones[i]).toBeGreaterThanOrEqual(tones[i - 1]!);
      }),
    );
  });
});

describe('SLA panel clocks', () => {
  const clock = (o: Partial<SlaClockRecord>): SlaClockRecord => ({
    id: 'slc_1', metric: 'first_response', state: 'running', policyId: null, policyName: 'Default', targetSeconds: 3600, usedSeconds: 0,
    dueAt: at(3600), warnAt: at(3000), breachedAt: null, stoppedAt: null, createdAt: at(0), ...o,
  });
  it('shows one clock per metric in metric order: the soonest open one, else the latest', () => {
    const shown = clocksToShow([
      clock({ id: 'r', metric: 'resolution', dueAt: at(86_400) }),
      clock({ id: 'n1', metric: 'next_response', state: 'fulfilled', createdAt: at(100) }),
      clock({ id: 'n3', metric: 'next_response', state: 'fulfilled_after_breach', createdAt: at(300) }),
      clock({ id: 'n2', metric: 'next_response', state: 'cancelled', createdAt: at(200) }),
      clock({ id: 'f', metric: 'first_response', state: 'fulfilled' }),
    ]);
    expect(shown.map((c) => c.id)).toEqual(['f', 'n3', 'r']);
    const open = clocksToShow([clock({ id: 'a', metric: 'next_response', dueAt: at(900) }), clock({ id: 'b', metric: 'next_response', dueAt: at(600) }), clock({ id: 'c', metric: 'next_response', state: 'paused', dueAt: null })]);
    expect(open.map((c) => c.id)).toEqual(['b']);
  });
  it('colours a clock by its state and, while it runs, by its warning lead and due time', () => {
    expect(clockTone(clock({}), T0)).toBe('ok');
    expect(clockTone(clock({}), T0 + 3000_000)).toBe('warning');
    expect(clockTone(clock({}), T0 + 3600_000)).toBe('breached');
    expect(clockTone(clock({ state: 'breached' }), T0)).toBe('breached');
    expect(clockTone(clock({ state: 'fulfilled_after_breach' }), T0)).toBe('breached');
    expect(clockTone(clock({ state: 'fulfilled' }), T0 + 9999_000)).toBe('ok');
    expect(clockTone(clock({ state: 'paused', dueAt: null }), T0 + 9999_000)).toBe('ok');
  });
});

describe('one shared ticker', () => {
  const fakeTimers = () => {
    const live = new Map<number, () => void>();
    let n = 0;
    return {
      live,
      fire: () => [...live.values()].forEach((f) => f()),
      timers: { set: (fn: () => void) => (live.set(++n, fn), n), clear: (h: unknown) => void live.delete(h as number) },
    };
  };
  const host = () => {
    const h = { updates: 0, controllers: [] as ClockController[], addController: (c: any) => h.controllers.push(c), removeController() {}, requestUpdate: () => void h.updates++, updateComplete: Promise.resolve(true) };
    return h;
  };

  it('runs one timer while anyone needs it, and none otherwise; a disconnected host stops ticking', () => {
    const ft = fakeTimers();
    const ticker = new Ticker(1000, ft.timers);
    const a = host();
    const b = host();
    const ca = new ClockController(a, { ticker, now: () => T0 });
    const cb = new ClockController(b, { ticker });
    expect(ca.now()).toBe(T0);
    expect(ticker.running).toBe(false);
    ca.need(true);
    cb.need(true);
    ca.need(true);
    expect(ft.live.size).toBe(1);
    ft.fire();
    expect([a.updates, b.updates]).toEqual([1, 1]);
    ca.need(false);
    ft.fire();
    expect([a.updates, b.updates]).toEqual([1, 2]);
    cb.hostDisconnected();
    expect(ticker.running).toBe(false);
    expect(ft.live.size).toBe(0);
    cb.hostConnected(); // back in the document, still showing a countdown
    expect(ft.live.size).toBe(1);
    cb.need(false);
    expect(ft.live.size).toBe(0);
  });
});

describe('TicketList by time to breach', () => {
  const filter = { view: 'all' as const, sort: 'sla' as const, status: 'open' as const, inboxId: null, q: '' };
  const ids = (l: TicketList) => l.rows().map((t) => t.number);

  it('orders by due time, then id; tickets without SLA last by id; live changes move rows', () => {
    const list = new TicketList(filter, 'usr_me');
    list.reset([ticket(1), ticket(2, { sla: sla({ dueAt: at(600) }) }), ticket(3, { sla: sla({ dueAt: at(60) }) }), ticket(4, { sla: sla({ dueAt: at(600) }) })]);
    expect(ids(list)).toEqual([3, 2, 4, 1]);
    list.patch(ticket(1).id, { sla: sla({ dueAt: at(30) }) }); // a clock started
    expect(ids(list)).toEqual([1, 3, 2, 4]);
    list.patch(ticket(3).id, { sla: null }); // met: no target left
    expect(ids(list)).toEqual([1, 2, 4, 3]);
  });

  it('while more pages are to come, a row that sorts after the loaded ones waits for its page', () => {
    const list = new TicketList(filter, 'usr_me');
    list.more = true;
    list.reset([ticket(1, { sla: sla({ dueAt: at(60) }) }), ticket(2, { sla: sla({ dueAt: at(120) }) })]);
    list.upsert(ticket(9)); // no SLA: somewhere in the pages not loaded yet
    list.upsert(ticket(8, { sla: sla({ dueAt: at(90) }) }));
    expect(ids(list)).toEqual([1, 8, 2]);
    list.more = false;
    list.addPage([ticket(9), ticket(5, { sla: sla({ dueAt: at(500) }) })]);
    expect(ids(list)).toEqual([1, 8, 2, 5, 9]);
  });

  it('matches the server order for any due times (ties broken by id)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }), { maxLength: 30 }), (dues) => {
        const list = new TicketList(filter, 'usr_me');
        const ts = dues.map((d, i) => ticket(i + 1, { sla: d === null ? null : sla({ dueAt: at(d * 60) }) }));
        for (const t of ts) list.upsert(t);
        const expected = [...ts].sort((a, b) => {
          const x = a.sla ? Date.parse(a.sla.dueAt) : Infinity;
          const y = b.sla ? Date.parse(b.sla.dueAt) : Infinity;
          return x - y || a.number - b.number;
        });
        expect(list.rows().map((t) => t.number)).toEqual(expected.map((t) => t.number));
        for (let i = 1; i < ts.length; i++) expect(soonestDueFirst(list.rows()[i - 1]!, list.rows()[i]!)).toBeLessThan(0);
      }),
    );
  });
});
