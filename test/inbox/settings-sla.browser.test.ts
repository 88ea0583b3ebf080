import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultSlaTargets, type CalendarRecord, type SlaComplianceRow, type SlaPolicyRecord } from '@support/protocol';
import { login } from '../support/harness.js';
import { focused, openInbox, useBrowserEnv, widestRight } from '../support/inbox.js';
import { screenAndAxe } from '../support/axe.js';
import { STALE_MESSAGE } from '../../inbox/src/settings/form/form-errors.js';

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//holidays//EN',
  'BEGIN:VEVENT',
  'UID:h1@test',
  'DTSTART;VALUE=DATE:20271226',
  'DTEND;VALUE=DATE:20271227',
  'SUMMARY:Boxing Day',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:h2@test',
  'DTSTART;VALUE=DATE:20280101',
  'DTEND;VALUE=DATE:20280102',
  'SUMMARY:New Year',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

/**
 * The SLA settings in Chromium against a real server: business-hours calendars (a week grid
 * drawn with the mouse and typed, holidays typed and imported from an .ics file), SLA policies
 * (the condition builder, the targets table, order, enabling the default, a stale edit), the
 * compliance table, and the policy form by keyboard alone; axe on every screen.
 */
describe('SLA settings (Chromium)', () => {
  const env = useBrowserEnv('embedded', { agents: 1 });
  const toastText = (page: Page, text: string | RegExp) => page.locator('ib-toast .toast', { hasText: text }).first().waitFor();
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const token = await login(env.node.url, env.fx.agents[0]!.email, env.fx.agents[0]!.password);
    const r = await fetch(`${env.node.url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : null,
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  };
  const open = (path: string, viewport?: { width: number; height: number }) => openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path, ...(viewport ? { viewport } : {}) });

  it('an admin creates a calendar with a split shift and a holiday, imports an .ics, saves, reloads and sees it; makes it the default', async () => {
    const page = await open('/inbox/settings/calendars');
    const area = page.locator('ib-settings-calendars');
    await area.getByRole('heading', { name: 'Calendars' }).waitFor();
    await screenAndAxe(page, 'sla-calendars-list');
    await area.getByRole('link', { name: 'New calendar' }).first().click();
    await area.getByRole('heading', { name: 'New calendar' }).waitFor();
    await area.getByLabel('Name').fill('Berlin office');
    await area.getByLabel('Time zone').fill('Europe/Berlin');

    // Monday: the morning typed, the afternoon drawn.
    const grid = area.locator('ib-week-grid');
    await grid.getByLabel('Monday, hours 1: from').fill('8');
    await grid.getByLabel('Monday, hours 1: from').press('Tab');
    await grid.getByLabel('Monday, hours 1: to').fill('12:00');
    await grid.getByLabel('Monday, hours 1: to').press('Tab');
    expect(await grid.getByLabel('Monday, hours 1: from').inputValue()).toBe('08:00');
    const track = grid.locator('.track[data-day="mon"]');
    const box = (await track.boundingBox())!;
    const at = (h: number) => box.x + (box.width * h) / 24;
    await page.mouse.move(at(13), box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(at(15), box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(at(17.5), box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    expect(await grid.getByLabel('Monday, hours 2: from').inputValue()).toBe('13:00');
    expect(await grid.getByLabel('Monday, hours 2: to').inputValue()).toBe('17:30');

    // A wrong time is said beside its interval.
    await grid.getByLabel('Tuesday, hours 1: to').fill('25:00');
    await grid.getByLabel('Tuesday, hours 1: to').press('Tab');
    await grid.getByText(/must be a time such as 09:00/).waitFor();
    // Saving now is refused before it is sent, with focus on the wrong time.
    await area.getByRole('button', { name: 'Create calendar' }).click();
    await expect.poll(() => focused(page)).toMatch(/Tuesday, hours 1: from/);
    await grid.getByLabel('Tuesday, hours 1: to').fill('17:00');

    // A holiday typed, two imported (one on a date typed already).
    await area.getByRole('button', { name: 'Add holiday' }).click();
    await area.getByLabel('Holiday 1 date').fill('2027-12-26');
    await area.getByLabel('Holiday 1 name').fill('Second Christmas day');
    const dir = mkdtempSync(join(tmpdir(), 'ics-'));
    writeFileSync(join(dir, 'holidays.ics'), ICS);
    await area.locator('input[type=file]').setInputFiles(join(dir, 'holidays.ics'));
    await toastText(page, /holidays\.ics/);
    expect(await page.locator('ib-toast .toast', { hasText: /holidays\.ics/ }).first().textContent()).toContain('1 holiday added from holidays.ics (1 on dates listed already). Save to keep them.');
    expect(await area.getByLabel('Holiday 2 name').inputValue()).toBe('New Year');
    // A special day: short hours on Christmas Eve.
    await area.getByRole('button', { name: 'Add special day' }).click();
    await area.getByLabel('Special day 1 date').fill('2027-12-24');
    await area.getByLabel('Special day 1 hours').fill('9-13');
    await area.getByLabel('Special day 1 hours').press('Tab');
    expect(await area.getByLabel('Special day 1 hours').inputValue()).toBe('09:00–13:00');
    await area.getByLabel('Special day 1 name').fill('Christmas Eve');
    await screenAndAxe(page, 'sla-calendar-form');

    await area.getByRole('button', { name: 'Create calendar' }).click();
    await toastText(page, 'Calendar Berlin office created');
    await page.waitForURL(/\/inbox\/settings\/calendars\/cal_/);
    await page.reload();
    await area.getByRole('heading', { name: 'Berlin office' }).waitFor();
    expect(await grid.getByLabel('Monday, hours 1: from').inputValue()).toBe('08:00');
    expect(await grid.getByLabel('Monday, hours 2: to').inputValue()).toBe('17:30');
    expect(await area.getByLabel('Holiday 1 name').inputValue()).toBe('Second Christmas day');
    expect(await area.getByLabel('Holiday 2 date').inputValue()).toBe('2028-01-01');
    expect(await area.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');
    expect(await area.getByLabel('Special day 1 hours').inputValue()).toBe('09:00–13:00');

    // The list: the default first; this one made the default.
    await area.getByRole('link', { name: 'All calendars' }).click();
    const item = area.locator('.items li', { hasText: 'Berlin office' });
    await item.getByText('Mon 08:00–12:00, 13:00–17:30').waitFor();
    await item.getByRole('button', { name: 'Make default: Berlin office' }).click();
    await toastText(page, 'Berlin office is now the default calendar');
    await area.locator('.items li').first().getByText('Berlin office').waitFor();
    await screenAndAxe(page, 'sla-calendars-list-default');
    await page.context().close();
  });

  it('an admin creates a policy with a condition and targets, sees field errors, reorders, enables the default; a calendar in use cannot be deleted', async () => {
    const page = await open('/inbox/settings/sla-policies');
    const area = page.locator('ib-settings-sla-policies');
    await area.getByRole('heading', { name: 'Policies', exact: true }).waitFor();
    await area.getByText('No policies of your own yet').waitFor();
    await screenAndAxe(page, 'sla-policies-empty');

    await area.getByRole('link', { name: 'New policy' }).first().click();
    await area.getByRole('heading', { name: 'New policy' }).waitFor();
    await area.getByLabel('Name').fill('Urgent tickets');
    const builder = area.locator('ib-condition-builder');
    await builder.getByRole('button', { name: 'Add condition' }).click();
    await builder.getByLabel('Condition 1 field').selectOption('ticket.priority');
    await builder.getByLabel('Condition 1 value').selectOption('urgent');
    // A second condition left empty: its issue shows beside it on save.
    await builder.getByRole('button', { name: 'Add condition' }).click();
    await builder.getByLabel('Condition 2 field').selectOption('ticket.subject');
    await builder.getByLabel('Condition 2 operator').selectOption('contains');
    // A target that does not read as a duration.
    await area.getByLabel('Urgent: first response').fill('soon');
    await area.getByLabel('Urgent: resolution').fill('4h 30m');
    await area.getByLabel('Low: next response').fill('');
    const calendars = await api<CalendarRecord[]>('GET', '/api/settings/calendars');
    const berlin = calendars.find((c) => c.name === 'Berlin office')!;
    await area.locator('ib-select[name=calendarId]').locator('select').selectOption(berlin.id);
    await area.getByRole('button', { name: 'Create policy' }).click();
    await area.getByText('Must be a duration such as 1h 30m, 45m or 2d').waitFor();
    await builder.locator('li[data-row="1"] .issue').getByText('A value is required').waitFor();
    expect(await area.getByLabel('Urgent: first response').getAttribute('aria-invalid')).toBe('true');
    await screenAndAxe(page, 'sla-policy-errors');
    await builder.getByRole('button', { name: 'Remove condition 2' }).click();
    await area.getByLabel('Urgent: first response').fill('30m');
    await area.getByRole('button', { name: 'Create policy' }).click();
    await toastText(page, 'Policy Urgent tickets created');
    await page.waitForURL(/\/inbox\/settings\/sla-policies\/slap?_/);
    const saved = (await api<SlaPolicyRecord[]>('GET', '/api/settings/sla-policies')).find((p) => p.name === 'Urgent tickets')!;
    expect(saved.conditions).toEqual({ all: [{ field: 'ticket.priority', op: 'is', value: 'urgent' }] });
    expect(saved.targets.urgent).toEqual({ first_response: 1800, next_response: 3600, resolution: 16_200 });
    expect(saved.targets.low.next_response).toBeNull();
    expect(saved.calendarId).toBe(berlin.id);
    await screenAndAxe(page, 'sla-policy-form');

    // A second policy, then the order: it moves above the first.
    await api('POST', '/api/settings/sla-policies', {
      name: 'VIP inbox', enabled: true, businessHours: false, calendarId: null, pauseStatuses: ['pending'], warnLeadSeconds: 600, reopen: 'resume',
      targets: defaultSlaTargets(), conditions: { all: [{ field: 'ticket.tags', op: 'includes_any', value: ['vip'] }] },
    });
    await page.goto(`${env.node.url}/inbox/settings/sla-policies`);
    const names = () => area.locator('.items li .main a').allTextContents();
    await area.locator('.items li', { hasText: 'VIP inbox' }).waitFor();
    expect(await names()).toEqual(['Urgent tickets', 'VIP inbox', 'Default']);
    await area.getByRole('button', { name: 'Move VIP inbox up' }).click();
    await toastText(page, 'VIP inbox moved up: now tried 1st');
    expect(await names()).toEqual(['VIP inbox', 'Urgent tickets', 'Default']);
    expect(await focused(page)).toContain('Move VIP inbox down');
    await area.getByText('Every other ticket').waitFor();
    await area.getByText('Priority is Urgent').waitFor();
    // The default, off at first, turned on.
    await area.getByRole('switch', { name: 'Default enabled' }).check();
    await toastText(page, 'Policy Default enabled');
    await page.reload();
    await area.locator('.items li', { hasText: 'VIP inbox' }).waitFor();
    expect(await names()).toEqual(['VIP inbox', 'Urgent tickets', 'Default']);
    expect(await area.getByRole('switch', { name: 'Default enabled' }).isChecked()).toBe(true);
    await screenAndAxe(page, 'sla-policies-list');

    // The server's refusal shows on its field: a name taken already.
    await area.getByRole('link', { name: 'Urgent tickets' }).click();
    await area.getByRole('heading', { name: 'Urgent tickets' }).waitFor();
    await area.getByLabel('Name').fill('VIP inbox');
    await area.getByRole('button', { name: 'Save' }).click();
    await area.locator('ib-field', { hasText: 'Name' }).getByText('A SLA policy named "VIP inbox" already exists').waitFor();
    await toastText(page, /Not saved/);
    await area.getByLabel('Name').fill('Urgent tickets');
    await area.getByRole('link', { name: 'All policies' }).click();
    await area.locator('.items li', { hasText: 'VIP inbox' }).waitFor();

    // The default policy's page: no conditions, no delete.
    await area.getByRole('link', { name: 'Default' }).click();
    await area.getByText('Every other ticket: the default policy has no conditions.').waitFor();
    expect(await area.getByRole('button', { name: 'Delete policy' }).count()).toBe(0);

    // A calendar a policy counts in cannot be deleted: the server's reason is shown.
    const night = await api<CalendarRecord>('POST', '/api/settings/calendars', {
      name: 'Night shift', definition: { timeZone: 'UTC', weekly: { mon: [{ start: '22:00', end: '06:00' }] } },
    });
    const vip = (await api<SlaPolicyRecord[]>('GET', '/api/settings/sla-policies')).find((p) => p.name === 'VIP inbox')!;
    await api('PATCH', `/api/settings/sla-policies/${vip.id}`, { calendarId: night.id, expectedUpdatedAt: vip.updatedAt });
    await page.goto(`${env.node.url}/inbox/settings/calendars/${night.id}`);
    const cal = page.locator('ib-settings-calendars');
    // Monday 22:00–06:00 was stored as two intervals, the second on Tuesday.
    expect(await cal.getByLabel('Tuesday, hours 1: to').inputValue()).toBe('06:00');
    await cal.getByRole('button', { name: 'Delete calendar' }).click();
    await page.locator('ib-dialog[open]').getByText('1 SLA policy counts in it').waitFor();
    await page.locator('ib-dialog[open]').getByRole('button', { name: 'Delete calendar' }).click();
    await toastText(page, 'Not deleted: SLA policies count in this calendar: VIP inbox');
    expect((await api<CalendarRecord[]>('GET', '/api/settings/calendars')).some((c) => c.id === night.id)).toBe(true);
    await page.context().close();
  });

  it('a stale edit is refused with a way to reload', async () => {
    const [policy] = (await api<SlaPolicyRecord[]>('GET', '/api/settings/sla-policies')).filter((p) => !p.isDefault);
    const page = await open(`/inbox/settings/sla-policies/${policy!.id}`);
    const area = page.locator('ib-settings-sla-policies');
    await area.getByRole('heading', { name: policy!.name }).waitFor();
    await api('PATCH', `/api/settings/sla-policies/${policy!.id}`, { name: `${policy!.name} (edited)`, expectedUpdatedAt: policy!.updatedAt });
    await area.getByLabel('Warn before a breach').fill('45m');
    await area.getByRole('button', { name: 'Save' }).click();
    await area.locator('.form-alert').getByText(STALE_MESSAGE).waitFor();
    await screenAndAxe(page, 'sla-policy-stale');
    await area.locator('.form-alert').getByRole('button', { name: 'Reload' }).click();
    await area.getByRole('heading', { name: `${policy!.name} (edited)` }).waitFor();
    await page.context().close();
  });

  it('the compliance page shows its range, grouping and an empty state', async () => {
    const page = await open('/inbox/settings/sla-compliance');
    const area = page.locator('ib-settings-sla-compliance');
    await area.getByRole('heading', { name: 'Targets met' }).waitFor();
    await area.getByText('No targets decided in this range').waitFor();
    const from = await area.getByLabel('From').inputValue();
    const to = await area.getByLabel('To').inputValue();
    expect((Date.parse(to) - Date.parse(from)) / 86_400_000).toBe(29);
    await area.getByLabel('Group by').selectOption('agent');
    await area.getByText('No targets decided in this range').waitFor();
    await screenAndAxe(page, 'sla-compliance');
    await page.context().close();

    // With targets decided (the server's answer stood in for): counts, shares and each metric.
    const rows: SlaComplianceRow[] = [
      { key: null, name: 'Deleted policy', met: 1, breached: 3, share: 0.25, byMetric: { first_response: { met: 1, breached: 1 }, next_response: { met: 0, breached: 2 }, resolution: { met: 0, breached: 0 } } },
      { key: 'sla_x', name: 'Urgent tickets', met: 9, breached: 1, share: 0.9, byMetric: { first_response: { met: 4, breached: 0 }, next_response: { met: 3, breached: 1 }, resolution: { met: 2, breached: 0 } } },
    ];
    const queries: string[] = [];
    const full = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, {
      path: '/inbox/settings/sla-compliance',
      setup: (context) => context.route(/\/api\/sla\/compliance\?/, (r) => { queries.push(r.request().url()); return r.fulfill({ json: rows }); }),
    });
    const table = full.locator('ib-settings-sla-compliance').getByRole('table', { name: 'SLA compliance by policy' });
    await table.waitFor();
    const urgent = table.locator('tr', { hasText: 'Urgent tickets' });
    expect(await urgent.locator('td').allInnerTexts()).toEqual(['9', '1', '90%', '100%\n4 of 4', '75%\n3 of 4', '100%\n2 of 2']);
    expect(await table.locator('tr', { hasText: 'Deleted policy' }).locator('td').last().innerText()).toBe('—\n0 of 0');
    const q = new URL(queries[0]!).searchParams;
    expect(q.get('groupBy')).toBe('policy');
    expect((Date.parse(q.get('to')!) - Date.parse(q.get('from')!)) / 86_400_000).toBeCloseTo(30, 0);
    await screenAndAxe(full, 'sla-compliance-table');
    await full.context().close();
  });

  it('on a 375 px phone the policy and calendar forms fit the screen', async () => {
    const phone = { width: 375, height: 740 };
    for (const [path, tag, heading] of [
      ['/inbox/settings/sla-policies/new', 'ib-settings-sla-policies', 'New policy'],
      ['/inbox/settings/calendars/new', 'ib-settings-calendars', 'New calendar'],
    ] as const) {
      const page = await open(path, phone);
      await page.locator(tag).getByRole('heading', { name: heading }).waitFor();
      const widest = await widestRight(page);
      expect(widest, path).toBeLessThanOrEqual(375 + 1);
      await screenAndAxe(page, `sla-${tag.replace('ib-settings-', '')}-phone`);
      await page.context().close();
    }
  });

  it('the policy form works by keyboard alone', async () => {
    const page = await open('/inbox/settings/sla-policies/new');
    const area = page.locator('ib-settings-sla-policies');
    await area.getByRole('heading', { name: 'New policy' }).waitFor();
    await area.getByLabel('Name').focus();
    await page.keyboard.type('Keyboard policy');
    const tabTo = async (pattern: RegExp, max = 40) => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        if (pattern.test(await focused(page))) return;
      }
      throw new Error(`no ${pattern} within ${max} tabs; at ${await focused(page)}`);
    };
    await tabTo(/Add condition/);
    await page.keyboard.press('Enter');
    // Focus lands on the new row's field menu: choose Priority by typing.
    expect(await focused(page)).toMatch(/^select/);
    await page.keyboard.type('Priority');
    await tabTo(/Condition 1 operator/, 3);
    await tabTo(/Condition 1 value/, 3);
    await page.keyboard.type('High');
    await tabTo(/Urgent: first response/);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('15m');
    await tabTo(/Create policy/);
    await page.keyboard.press('Enter');
    await toastText(page, 'Policy Keyboard policy created');
    const saved = (await api<SlaPolicyRecord[]>('GET', '/api/settings/sla-policies')).find((p) => p.name === 'Keyboard policy')!;
    expect(saved.conditions).toEqual({ all: [{ field: 'ticket.priority', op: 'is', value: 'high' }] });
    expect(saved.targets.urgent.first_response).toBe(900);
    await page.context().close();
  });
});
