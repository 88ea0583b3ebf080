import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { decodeId } from '@support/protocol';
import { ctxOf } from '../support/harness.js';
import { focused, openInbox, useBrowserEnv } from '../support/inbox.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { createAgent, createTeam } from '../../server/src/workspaces/workspaces.service.js';
import { createRole } from '../../server/src/agents/roles.service.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/**
 * A screenshot in test-results/ of the whole settings page (the window grown to its height for
 * the picture: the page scrolls inside the app) and an axe check (no critical or serious violation).
 */
const check = async (page: Page, name: string) => {
  mkdirSync('test-results', { recursive: true });
  const size = page.viewportSize()!;
  const height = await page.evaluate(() => {
    const settingsRoot = document.querySelector('ib-app')?.shadowRoot?.querySelector('ib-settings')?.shadowRoot;
    const scroller = settingsRoot?.querySelector('.page');
    return scroller ? scroller.scrollHeight + 48 : 0;
  });
  const open = await page.locator('ib-dialog[open]').count();
  if (height > size.height && !open) await page.setViewportSize({ width: size.width, height: Math.min(height, 4000) });
  await page.screenshot({ path: `test-results/people-${name}.png` });
  await page.setViewportSize(size);
  const vs = await axeViolations(page);
  expect.soft(vs, `${name}:\n${describeViolations(vs)}`).toEqual([]);
};
const settings = (page: Page) => page.locator('ib-settings');
/** An open dialog by its heading (its content is slotted: look for it under the ib-dialog). */
const dialog = async (page: Page, name: string) => {
  await page.getByRole('dialog', { name }).waitFor();
  return page.locator('ib-dialog[open]');
};
const rowOf = (table: Locator, text: string) => table.locator('tr', { hasText: text });
/** A notice in the page's ib-toast. */
const toastSaying = (page: Page, text: string) => page.locator('ib-toast .toast', { hasText: text });

/** The People, Teams, Roles and Account screens in Chromium, on the built inbox: each path a team walks, keyboard, axe and screenshots at desktop and 375 px. */
describe('inbox settings: people, teams, roles, account', () => {
  const env = useBrowserEnv('postgres', { agents: 3 });

  it('People: invite (field errors, the link to copy without a mail server), pending invitations (copy, re-send, revoke), edit role and teams, deactivate with a warning, reactivate', async () => {
    const { node, fx, browser } = env;
    await createTeam(node.deps.db, { workspaceId: fx.workspaceId, name: 'Billing' });
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/people', permissions: ['clipboard-read', 'clipboard-write'] });
    const people = page.locator('ib-settings-people');
    const members = people.getByRole('table', { name: 'Members' });
    await rowOf(members, 'Agent 1').waitFor();
    expect(await members.locator('tbody tr').count()).toBe(3);
    await people.getByRole('heading', { name: 'No pending invitations' }).waitFor();
    await check(page, 'people-desktop');

    // Invite: inline errors with the schema's words, then the server's (a member's address).
    await people.getByRole('button', { name: 'Invite people' }).click();
    const invite = await dialog(page, 'Invite people');
    await expect.poll(() => focused(page)).toBe('input.field email');
    await invite.getByLabel('Email address').fill('not an address');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite.getByText('Enter an email address such as name@example.com').waitFor();
    await check(page, 'invite-dialog-desktop');
    await invite.getByLabel('Email address').fill(fx.agents[1]!.email);
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite.getByText(`${fx.agents[1]!.email} is a member of this workspace already`).waitFor();
    const newcomer = `newcomer-${fx.workspaceId}@example.test`;
    await invite.getByLabel('Email address').fill(newcomer);
    await invite.getByLabel('Role', { exact: true }).selectOption('supervisor');
    await invite.getByLabel('Billing').check();
    await invite.getByLabel('Support').check();
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    // No mail server here: the dialog gives the link to pass on.
    const linkDialog = await dialog(page, 'Send this link yourself');
    const link = await linkDialog.getByLabel('Invitation link').inputValue();
    expect(link).toMatch(new RegExp(`^${node.url}/inbox/accept/[A-Za-z0-9_-]{43}$`));
    await check(page, 'invite-link-desktop');
    await linkDialog.getByRole('button', { name: 'Copy link' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await linkDialog.getByRole('button', { name: 'Done' }).click();
    const pending = people.getByRole('table', { name: 'Pending invitations' });
    const row = rowOf(pending, newcomer);
    await row.getByText('Not mailed: no mail server').waitFor();
    expect(await row.locator('td').nth(0).textContent()).toContain('Supervisor');
    await row.getByRole('button', { name: `Copy link for ${newcomer}` }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await row.getByRole('button', { name: `Re-send the invitation to ${newcomer}` }).click();
    await toastSaying(page, `New link for ${newcomer}`).waitFor();
    await row.getByRole('button', { name: `Copy link for ${newcomer}` }).click();
    const second = await page.evaluate(() => navigator.clipboard.readText());
    expect(second).toMatch(/\/inbox\/accept\/[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(link);
    await check(page, 'people-invited-desktop');
    await row.getByRole('button', { name: `Revoke the invitation to ${newcomer}` }).click();
    await people.getByRole('heading', { name: 'No pending invitations' }).waitFor();
    const gone = await fetch(`${node.url}/api/auth/invitation/preview`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: second.slice(-43) }) });
    expect(gone.status).toBe(410);

    // By keyboard only: Enter on the button, type, Enter sends; Escape closes and focus is back on the button.
    await people.getByRole('button', { name: 'Invite people' }).focus();
    await page.keyboard.press('Enter');
    await dialog(page, 'Invite people');
    await expect.poll(() => focused(page)).toBe('input.field email');
    await page.keyboard.type(`keys-${fx.workspaceId}@example.test`);
    await page.keyboard.press('Enter');
    await dialog(page, 'Send this link yourself');
    await expect.poll(() => focused(page)).toBe('ib-button.copy Copy link');
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).toBe('ib-button Invite people');
    await rowOf(pending, `keys-${fx.workspaceId}@example.test`).waitFor();

    // Edit a member's role and teams.
    await rowOf(members, 'Agent 2').getByRole('button', { name: 'Edit the role and teams of Agent 2' }).click();
    const edit = await dialog(page, 'Role and teams of Agent 2');
    expect(await edit.getByLabel('Support').isChecked()).toBe(true);
    await edit.getByLabel('Role', { exact: true }).selectOption('supervisor');
    await edit.getByLabel('Billing').check();
    await check(page, 'edit-member-desktop');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => rowOf(members, 'Agent 2').textContent()).toMatch(/Supervisor[\s\S]*Billing, Support/);

    // Deactivate: a confirmation that says what happens to their tickets; then reactivate.
    await rowOf(members, 'Agent 1').getByRole('button', { name: 'Deactivate Agent 1' }).click();
    const confirm = await dialog(page, 'Deactivate Agent 1?');
    await confirm.getByText('Their open and pending tickets become unassigned').waitFor();
    await expect.poll(() => focused(page)).toBe('ib-button Cancel');
    await check(page, 'deactivate-dialog-desktop');
    await confirm.getByRole('button', { name: 'Deactivate' }).click();
    await rowOf(members, 'Agent 1').getByText('Deactivated').waitFor();
    await rowOf(members, 'Agent 1').getByRole('button', { name: 'Reactivate Agent 1' }).click();
    await rowOf(members, 'Agent 1').getByText('Active', { exact: true }).waitFor();
    await page.context().close();
  });

  it('Teams: empty state, create with members and inboxes, edit, delete with a question', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/teams' });
    const teams = page.locator('ib-settings-teams');
    const table = teams.getByRole('table', { name: 'Teams' });
    await rowOf(table, 'Support').waitFor();
    await check(page, 'teams-desktop');
    await teams.getByRole('link', { name: 'New team' }).click();
    await teams.getByRole('heading', { name: 'New team' }).waitFor();
    await teams.getByRole('button', { name: 'Create team' }).click();
    await teams.getByText('This field is required').waitFor();
    await teams.getByRole('textbox', { name: 'Name', exact: true }).fill('support');
    await teams.getByRole('button', { name: 'Create team' }).click();
    await teams.getByText('A team named "support" already exists').waitFor();
    await teams.getByRole('textbox', { name: 'Name', exact: true }).fill('Night shift');
    await teams.getByLabel('Agent 1').check();
    await teams.getByRole('checkbox', { name: 'Chat Chat inbox' }).check();
    await check(page, 'team-new-desktop');
    await teams.getByRole('button', { name: 'Create team' }).click();
    await toastSaying(page, 'Team Night shift created').waitFor();
    await teams.getByRole('heading', { name: 'Night shift' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/inbox\/settings\/teams\/team_/);
    await teams.getByLabel('Agent 2').check();
    await teams.getByRole('button', { name: 'Save' }).click();
    await toastSaying(page, 'Team Night shift saved').waitFor();
    await check(page, 'team-edit-desktop');
    await teams.getByRole('button', { name: 'Delete team' }).click();
    const del = await dialog(page, 'Delete Night shift?');
    await del.getByRole('button', { name: 'Delete team' }).click();
    await rowOf(table, 'Support').waitFor();
    expect(await rowOf(table, 'Night shift').count()).toBe(0);
    // Keyboard: the rows are one tab stop; Enter opens a team.
    await table.locator('tbody tr').first().focus();
    await page.keyboard.press('Enter');
    await teams.getByRole('heading', { name: /Billing|Support/ }).waitFor();
    await page.context().close();
  });

  it('Roles: the built-in roles read-only, a custom role as a permission checklist (create, edit, delete)', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/roles' });
    const roles = page.locator('ib-settings-roles');
    const builtin = roles.getByRole('table', { name: 'What the built-in roles may do' });
    await rowOf(builtin, 'Read the audit log').waitFor();
    // Owner and admin yes, supervisor and agent no.
    expect(await rowOf(builtin, 'Read the audit log').locator('td').allTextContents()).toEqual(['✓Yes', '✓Yes', '–No', '–No']);
    await roles.getByRole('heading', { name: 'No custom roles' }).waitFor();
    await check(page, 'roles-desktop');
    await roles.getByRole('link', { name: 'New role' }).first().click();
    await roles.getByRole('textbox', { name: 'Name', exact: true }).fill('Auditor');
    await roles.getByLabel('Read the audit log').check();
    await roles.getByLabel('See reports').check();
    await check(page, 'role-new-desktop');
    await roles.getByRole('button', { name: 'Create role' }).click();
    await toastSaying(page, 'Role Auditor created').waitFor();
    await roles.getByRole('heading', { name: 'Auditor' }).waitFor();
    await roles.getByLabel('Export data').check();
    await roles.getByRole('button', { name: 'Save' }).click();
    await toastSaying(page, 'Role Auditor saved').waitFor();
    await roles.getByRole('link', { name: 'All roles' }).click();
    const custom = roles.getByRole('table', { name: 'Custom roles' });
    await expect.poll(() => rowOf(custom, 'Auditor').textContent()).toContain('3');
    await rowOf(custom, 'Auditor').click();
    await roles.getByRole('button', { name: 'Delete role' }).click();
    await (await dialog(page, 'Delete Auditor?')).getByRole('button', { name: 'Delete role' }).click();
    await roles.getByRole('heading', { name: 'No custom roles' }).waitFor();
    await page.context().close();
  });

  it('Account: name, photo, signature, notification preferences, password, workspaces (switch, new workspace)', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/account' });
    const account = page.locator('ib-settings-account');
    const profile = account.locator('form', { hasText: 'Profile' });
    await profile.getByRole('textbox', { name: 'Name', exact: true }).waitFor();
    await check(page, 'account-desktop');
    await profile.getByRole('textbox', { name: 'Name', exact: true }).fill('Olga Owner');
    await account.getByRole('button', { name: 'Save name' }).click();
    await toastSaying(page, 'Name saved').waitFor();
    await page.locator('ib-app .bar').getByText('Olga Owner').waitFor();
    await account.locator('#photo-file').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
    await toastSaying(page, 'Photo saved').waitFor();
    expect(await account.locator('.summary img.avatar').getAttribute('src')).toMatch(/^\/api\/avatars\/usr_/);
    await account.getByRole('textbox', { name: 'Signature' }).fill('Olga\nAcme support');
    await account.getByRole('button', { name: 'Save signature' }).click();
    await toastSaying(page, 'Signature saved').waitFor();
    await account.getByLabel('Play a sound').uncheck();
    await account.getByRole('button', { name: 'Save preferences' }).click();
    await toastSaying(page, 'Notification preferences saved').waitFor();
    const acc = await page.evaluate(() => fetch('/api/account').then((r) => r.json()));
    expect(acc).toMatchObject({ name: 'Olga Owner', signature: 'Olga\nAcme support', notificationPrefs: { newTicket: true, myTickets: true, sound: false } });
    // Password: the current one is checked by the server; the new one by the schema first.
    await account.getByLabel('Current password').fill('not my password');
    await account.getByLabel('New password').fill('short');
    await account.getByRole('button', { name: 'Change password' }).click();
    await account.getByText('Use at least 8 characters').waitFor();
    await account.getByLabel('New password').fill('a much longer password');
    await account.getByRole('button', { name: 'Change password' }).click();
    await account.getByText('This is not your current password').waitFor();
    await account.getByLabel('Current password').fill(fx.agents[0]!.password);
    await account.getByRole('button', { name: 'Change password' }).click();
    await toastSaying(page, 'Password changed. Your other sessions are signed out.').waitFor();
    fx.agents[0]!.password = 'a much longer password';
    // A new workspace, then the header's switcher (now that there are two) moves to it.
    await account.getByRole('button', { name: 'New workspace' }).click();
    const nw = await dialog(page, 'New workspace');
    await nw.getByRole('textbox', { name: 'Name', exact: true }).fill('Second brand');
    await nw.getByRole('button', { name: 'Create workspace' }).click();
    await account.getByRole('button', { name: 'Switch to Second brand' }).waitFor();
    await check(page, 'account-filled-desktop');
    await page.reload();
    const menu = page.locator('ib-app .bar').getByLabel('Workspace');
    await menu.waitFor();
    await menu.selectOption({ label: 'Second brand' });
    await page.waitForURL(`${node.url}/inbox/`);
    const current = () => page.locator('ib-app .bar').getByLabel('Workspace').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent);
    await expect.poll(current).toBe('Second brand');
    // The new workspace starts with its chat inbox and no tickets.
    await page.locator('ib-ticket-list').getByRole('heading', { name: /No .*tickets/ }).first().waitFor();
    await page.setViewportSize({ width: 375, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const bar = await page.locator('ib-app .bar').boundingBox();
    const logout = await page.locator('ib-app .bar ib-button.logout').boundingBox();
    expect(logout!.x + logout!.width).toBeLessThanOrEqual(bar!.x + bar!.width);
    await check(page, 'header-switcher-phone');
    // And back (the next tests use the first workspace).
    await page.locator('ib-app .bar').getByLabel('Workspace').selectOption({ label: (await page.evaluate(() => fetch('/api/auth/me').then((r) => r.json()))).workspaces.find((w: { name: string }) => w.name !== 'Second brand').name });
    await expect.poll(current).not.toBe('Second brand');
    await page.context().close();
  });

  it('on a 375 px phone every screen fits without sideways scrolling; axe and screenshots', async () => {
    const { node, fx, browser } = env;
    const role = await createRole(ctxOf(node), { workspaceId: fx.workspaceId, name: 'Readers', permissions: ['tickets.read.mine'] });
    await createAgent(node.deps.db, { workspaceId: fx.workspaceId, email: `reader-${fx.workspaceId}@example.test`, name: 'Rita Reader', password: 'pw-reader-1', roleId: decodeId('role', role.id)! });
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/people', viewport: { width: 375, height: 800 } });
    for (const [path, ready, name] of [
      ['/inbox/settings/people', 'Members', 'people-phone'],
      ['/inbox/settings/teams', 'Teams', 'teams-phone'],
      ['/inbox/settings/teams/new', 'New team', 'team-new-phone'],
      ['/inbox/settings/roles', 'Custom roles', 'roles-phone'],
      [`/inbox/settings/roles/${role.id}`, 'Readers', 'role-edit-phone'],
      ['/inbox/settings/account', 'Profile', 'account-phone'],
    ] as const) {
      await page.goto(`${node.url}${path}`);
      await settings(page).getByRole('heading', { name: ready, exact: true }).first().waitFor().catch(async (e) => {
        await page.screenshot({ path: `test-results/debug-${name}.png` });
        throw e;
      });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(375);
      await check(page, name);
    }
    await page.goto(`${node.url}/inbox/settings/people`);
    await page.locator('ib-settings-people').getByRole('button', { name: 'Invite people' }).click();
    await dialog(page, 'Invite people');
    await check(page, 'invite-dialog-phone');
    await page.context().close();
  });
});
