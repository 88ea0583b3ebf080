import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { parse as parseCsv } from 'csv-parse/sync';
import { focused, openInbox, useBrowserEnv } from '../support/inbox.js';
import { screenAndAxe } from '../support/axe.js';
import { recordAudit } from '../../server/src/audit/audit.service.js';
import { createAgent, createInbox } from '../../server/src/workspaces/workspaces.service.js';
import { createRole } from '../../server/src/agents/roles.service.js';
import { ctxOf } from '../support/harness.js';
import { fromWire, toWire } from '../../server/src/db/ids.js';

const check = (page: Page, name: string) => screenAndAxe(page, `settings-${name}`);
const audit = (page: Page) => page.locator('ib-settings-audit');
const rows = (page: Page) => audit(page).locator('ib-table tbody tr:not(.empty)');
const actions = (page: Page) => rows(page).locator('th').allTextContents();
const search = (page: Page) => new URL(page.url()).search;
const menu = (page: Page, name: string) => audit(page).getByRole('combobox', { name, exact: true });

/** The Audit log screen on the built inbox: filters kept in the URL, Load more, readable changes, export, retention; keyboard, axe, phone. */
describe('audit log screen', () => {
  const env = useBrowserEnv('embedded', { agents: 2 });
  const T0 = Date.parse('2030-03-01T12:00:00.000Z');
  const at = (minutes: number) => new Date(T0 + minutes * 60_000);
  let inboxId: string;
  let auditor: { email: string; password: string };

  beforeAll(async () => {
    const { node, fx } = env;
    const db = node.deps.db;
    const owner = { type: 'user', id: fx.agents[0]!.id } as const;
    inboxId = await createInbox(db, { workspaceId: fx.workspaceId, name: 'Billing', channel: 'email' });
    await recordAudit(db, { workspaceId: fx.workspaceId, actor: owner, action: 'inbox.created', object: { type: 'inbox', id: inboxId }, after: { name: 'Billing', channel: 'email' }, at: at(1) });
    await recordAudit(db, { workspaceId: fx.workspaceId, actor: { type: 'system' }, action: 'member.deactivated', object: { type: 'user', id: fx.agents[1]!.id }, before: { status: 'active' }, after: { status: 'deactivated' }, at: at(2) });
    await recordAudit(db, { workspaceId: fx.workspaceId, actor: owner, action: 'workspace.updated', object: { type: 'workspace', id: fx.workspaceId }, before: { name: 'Acme', timeZone: 'UTC' }, after: { name: 'Acme Support', timeZone: 'Europe/Paris' }, at: at(3) });
    // Enough sign-ins for two pages.
    for (let i = 0; i < 60; i++)
      await recordAudit(db, { workspaceId: fx.workspaceId, actor: owner, action: 'auth.login', object: { type: 'workspace', id: fx.workspaceId }, request: { ip: `203.0.113.${i}`, userAgent: 'Firefox', requestId: null }, at: at(10 + i) });
    // A member whose role reads the log but exports nothing and changes no setting.
    const role = await createRole(ctxOf(node), { workspaceId: fx.workspaceId, name: 'Auditor', permissions: ['audit.read', 'tickets.read.mine'] });
    auditor = { email: `auditor-${Date.now()}@example.test`, password: 'auditor-password' };
    await createAgent(db, { workspaceId: fx.workspaceId, ...auditor, name: 'Ada Auditor', roleId: fromWire('role', role.id) });
  });

  it('filters by action, actor, object and dates, kept in the URL through reload and back; Load more; changes read as lines', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/audit?from=2030-01-01' });
    await expect.poll(() => rows(page).count()).toBe(50);
    expect((await actions(page)).slice(0, 3)).toEqual(['auth.login', 'auth.login', 'auth.login']);
    expect(await rows(page).first().textContent()).toContain('203.0.113.59');
    await audit(page).locator('ib-button.load-more').click();
    await expect.poll(() => rows(page).count()).toBe(63);
    expect((await actions(page)).slice(-3)).toEqual(['workspace.updated', 'member.deactivated', 'inbox.created']);
    // Changes as lines, names for what the inbox knows.
    const ws = rows(page).nth(60);
    expect(await ws.locator('td').nth(3).textContent()).toContain('name: “Acme” → “Acme Support”');
    expect(await ws.locator('td').nth(3).textContent()).toContain('timeZone: “UTC” → “Europe/Paris”');
    expect((await rows(page).nth(61).locator('td').nth(1).textContent())?.trim()).toBe('System');
    expect(await rows(page).nth(62).locator('td').nth(3).textContent()).toContain('channel: “email”');
    await audit(page).locator('ib-button.load-more').waitFor({ state: 'detached' });
    await rows(page).nth(62).scrollIntoViewIfNeeded();
    await check(page, 'audit-end-desktop');
    await audit(page).locator('.filters-card').scrollIntoViewIfNeeded();
    await check(page, 'audit-desktop');

    // An action prefix chosen by keyboard: the URL follows, a reload keeps it.
    await menu(page, 'Action').focus();
    await menu(page, 'Action').selectOption('member');
    await expect.poll(() => actions(page)).toEqual(['member.deactivated']);
    expect(search(page)).toBe('?action=member&from=2030-01-01');
    await page.reload();
    await expect.poll(() => actions(page)).toEqual(['member.deactivated']);
    expect(await menu(page, 'Action').inputValue()).toBe('member');
    // The actor: a member, then the system.
    await menu(page, 'Action').selectOption('');
    await menu(page, 'Actor').selectOption('system');
    await expect.poll(() => actions(page)).toEqual(['member.deactivated']);
    await menu(page, 'Actor').selectOption(fx.agents[0]!.wire);
    await menu(page, 'Object kind').selectOption('inbox');
    await expect.poll(() => actions(page)).toEqual(['inbox.created']);
    expect(search(page)).toBe(`?actor=${fx.agents[0]!.wire}&objectType=inbox&from=2030-01-01`);
    // Back and forward walk the filters.
    await page.goBack();
    await expect.poll(() => search(page)).toBe(`?actor=${fx.agents[0]!.wire}&from=2030-01-01`);
    await expect.poll(() => rows(page).count()).toBe(50);
    expect(await menu(page, 'Object kind').inputValue()).toBe('');
    await page.goForward();
    await expect.poll(() => actions(page)).toEqual(['inbox.created']);

    // An object id: a wrong one is named on its field; a right one filters.
    await audit(page).getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => search(page)).toBe('');
    const objectId = audit(page).getByRole('textbox', { name: 'Object id' });
    await objectId.fill('nope');
    await objectId.press('Enter');
    await audit(page).locator('ib-field[label="Object id"] [slot=error]', { hasText: 'Not an id' }).waitFor();
    await objectId.fill(toWire('inbox', inboxId));
    await objectId.press('Enter');
    await expect.poll(() => actions(page)).toEqual(['inbox.created']);
    expect(await rows(page).first().locator('td').nth(2).textContent()).toContain('Billing');
    // Dates: the day of the history, both days included; an end before the start is named.
    await objectId.fill('');
    await objectId.press('Enter');
    await audit(page).getByLabel('From', { exact: true }).fill('2030-03-01');
    await audit(page).getByLabel('To', { exact: true }).fill('2030-03-01');
    await audit(page).getByLabel('To', { exact: true }).press('Tab');
    await expect.poll(() => rows(page).count()).toBe(50);
    await audit(page).getByLabel('To', { exact: true }).fill('2030-02-01');
    await audit(page).getByLabel('To', { exact: true }).press('Tab');
    await audit(page).locator('ib-field[label="To"] [slot=error]', { hasText: 'The end is before the start' }).waitFor();
    await audit(page).getByLabel('From', { exact: true }).fill('2030-03-02');
    await audit(page).getByLabel('To', { exact: true }).fill('2030-03-03');
    await audit(page).getByLabel('To', { exact: true }).press('Tab');
    await audit(page).getByRole('heading', { name: 'No event matches these filters' }).waitFor();
    await check(page, 'audit-empty-desktop');
    await page.context().close();
  });

  it('export downloads the filtered events (CSV and JSONL); retention changed here; on a phone nothing scrolls sideways', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/audit?action=member' });
    await expect.poll(() => actions(page)).toEqual(['member.deactivated']);
    const [csv] = await Promise.all([page.waitForEvent('download'), audit(page).locator('ib-button.export-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^audit-\d{4}-\d\d-\d\d\.csv$/);
    const records = parseCsv(readFileSync((await csv.path())!, 'utf8'), { bom: true, columns: true }) as { action: string }[];
    expect(records.map((r) => r.action)).toEqual(['member.deactivated']);
    const [jsonl] = await Promise.all([page.waitForEvent('download'), audit(page).locator('ib-button.export-jsonl').click()]);
    const lines = readFileSync((await jsonl.path())!, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { action: string });
    expect(lines.map((l) => l.action)).toEqual(['member.deactivated']);

    // Retention, by keyboard. A filter changed meanwhile keeps the page, and the unsaved choice: no "leave?" question.
    const retention = page.locator('ib-audit-retention');
    await retention.locator('.retention-text', { hasText: 'Audit events are kept for 1 year, then deleted.' }).waitFor();
    await retention.getByRole('combobox', { name: 'Keep audit events' }).focus();
    await retention.getByRole('combobox', { name: 'Keep audit events' }).selectOption('90');
    await menu(page, 'Action').selectOption('inbox');
    await expect.poll(() => actions(page)).toEqual(['inbox.created']);
    await page.goBack();
    await expect.poll(() => actions(page)).toEqual(['member.deactivated']);
    expect(await page.locator('ib-app ib-dialog.leave').getAttribute('open')).toBeNull();
    expect(await retention.getByRole('combobox', { name: 'Keep audit events' }).inputValue()).toBe('90');
    await retention.locator('ib-button[type=submit]').focus();
    expect(await focused(page)).toBe('ib-button Save');
    await page.keyboard.press('Enter');
    await retention.locator('.retention-text', { hasText: 'kept for 90 days' }).waitFor();
    const [w] = await node.deps.db.rows<{ d: number | null }>(sql`select audit_retention_days as d from workspaces where id = ${fx.workspaceId}::uuid`);
    expect(w!.d).toBe(90);
    await retention.scrollIntoViewIfNeeded();
    await check(page, 'audit-retention-desktop');

    // A phone: the filters fold behind a button that says how many are on; one column of events.
    await page.setViewportSize({ width: 375, height: 740 });
    await audit(page).locator('.filters-card').scrollIntoViewIfNeeded();
    const toggle = audit(page).locator('ib-button.toggle-filters');
    await toggle.getByText('Filters · 1 on').waitFor();
    expect(await menu(page, 'Action').isVisible()).toBe(false);
    expect((await audit(page).locator('ib-table thead th').allTextContents()).map((t) => t.trim())).toEqual(['Event']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await check(page, 'audit-phone');
    await toggle.click();
    await menu(page, 'Action').waitFor();
    expect(await toggle.locator('[aria-expanded]').getAttribute('aria-expanded')).toBe('true');
    await check(page, 'audit-filters-phone');
    await page.context().close();
  });

  it('a role with audit.read only: the log, no export buttons, the retention in words', async () => {
    const { node, browser } = env;
    const page = await openInbox(browser, node.url, auditor, { path: '/inbox/settings/audit' });
    await expect.poll(() => rows(page).count()).toBeGreaterThan(0);
    expect(await audit(page).locator('ib-button.export-csv').count()).toBe(0);
    expect(await audit(page).locator('ib-button.export-jsonl').count()).toBe(0);
    const retention = page.locator('ib-audit-retention');
    await retention.locator('.retention-text', { hasText: /kept for/ }).waitFor();
    expect(await retention.getByRole('combobox').count()).toBe(0);
    await page.context().close();
  });
});
