import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { decodeId } from '@support/protocol';
import { closeSockets, cmid, ctxOf, ok, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { smtpSink } from '../support/email.js';
import { launchChromium } from '../support/browser.js';
import { openInbox, thread } from '../support/inbox.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { createAgent, createInbox, createTeam } from '../../server/src/workspaces/workspaces.service.js';
import { createRole } from '../../server/src/agents/roles.service.js';

type Sink = Awaited<ReturnType<typeof smtpSink>>;

const shot = async (page: Page, name: string) => {
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/people-${name}.png` });
  const vs = await axeViolations(page);
  expect.soft(vs, `${name}:\n${describeViolations(vs)}`).toEqual([]);
};

/** The newest link mailed to `to` after the `after`-th mail the sink got. */
async function mailedLink(sink: Sink, to: string, after: number): Promise<string> {
  const m = await until(() => sink.received.slice(after).find((x) => x.envelope.to.includes(to)), 8000, `a mail to ${to}`);
  return /http\S+\/inbox\/(?:accept|reset)\/[A-Za-z0-9_-]{43}/.exec(m.mail.text ?? '')![0];
}

/** A fresh browser context (no session) at `url`. */
async function freshPage(browser: Browser, url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(url);
  return page;
}

/**
 * The paths a team walks, in Chromium against a real SMTP server: an owner invites an agent,
 * who accepts in another browser and sees only their team's inboxes; a deactivated agent's
 * open inbox signs out at once; a custom role without contacts.read has no contact sidebar;
 * a forgotten password is reset through the mailed link.
 */
describe('people: invitation, deactivation, roles, password reset (Chromium, SMTP)', () => {
  let sink: Sink;
  let node: Node;
  let fx: Fixture;
  let browser: Browser;
  let salesTicket: string;

  beforeAll(async () => {
    sink = await smtpSink();
    node = await startNode('postgres', { config: { SMTP_URL: sink.url } });
    // Reset links point at PUBLIC_URL: here, this test server.
    node.deps.config.PUBLIC_URL = node.url;
    fx = await seedWorkspace(node.deps.db, 2);
    // A second inbox worked by another team: the invited agent must not see its tickets.
    const sales = await createInbox(node.deps.db, { workspaceId: fx.workspaceId, name: 'Sales chat', channel: 'chat' });
    await createTeam(node.deps.db, { workspaceId: fx.workspaceId, name: 'Sales', inboxIds: [sales] });
    const { s: a } = await visitor(node.url, fx.inbox);
    await ok(a, 'message:send', { body: 'Question for support', clientMessageId: cmid() });
    const { encodeId } = await import('@support/protocol');
    const { s: b } = await visitor(node.url, encodeId('inbox', sales));
    salesTicket = (await ok(b, 'message:send', { body: 'Question for sales', clientMessageId: cmid() })).ticketId;
    browser = await launchChromium();
  });
  afterAll(async () => {
    closeSockets();
    await browser?.close();
    await node?.app.close();
    await sink?.close();
  });

  it('the owner invites an agent to the Support team; the agent accepts in another browser, joins, and sees only their team’s inboxes, after logging in again too', async () => {
    const owner = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/people' });
    const people = owner.locator('ib-settings-people');
    await people.getByRole('button', { name: 'Invite people' }).click();
    await owner.getByRole('dialog', { name: 'Invite people' }).waitFor();
    const invite = owner.locator('ib-dialog[open]');
    const email = `nia-${fx.workspaceId}@example.test`;
    const before = sink.received.length;
    await invite.getByLabel('Email address').fill(email);
    await invite.getByRole('checkbox', { name: /^Support/ }).check();
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await owner.locator('ib-toast .toast', { hasText: `Invitation mailed to ${email}` }).waitFor();
    const row = people.getByRole('table', { name: 'Pending invitations' }).locator('tr', { hasText: email });
    await row.waitFor();
    const link = await mailedLink(sink, email, before);
    expect(link.startsWith(`${node.url}/inbox/accept/`)).toBe(true);
    // The list shows the mail went (the page reads it again on the next visit).
    await owner.reload();
    await people.getByRole('table', { name: 'Pending invitations' }).locator('tr', { hasText: email }).getByText('Mail sent').waitFor();

    // Another browser: the link shows what it joins, asks for a name and a password.
    const agent = await freshPage(browser, link);
    const accept = agent.locator('ib-accept-invitation');
    await accept.getByRole('heading', { name: /^Join ws-/ }).waitFor();
    expect(await accept.locator('.lead').textContent()).toContain(`Agent 0 invited ${email} to join as agent.`);
    await shot(agent, 'accept-desktop');
    await accept.getByRole('button', { name: 'Accept and join' }).click();
    await accept.getByText('This field is required').first().waitFor();
    await accept.getByLabel('Your name').fill('Nia New');
    await accept.getByLabel('Choose a password').fill('nia password 1');
    await accept.getByRole('button', { name: 'Accept and join' }).click();
    // Signed in: the inbox of that workspace, with only the Support team's inbox's tickets.
    await agent.locator('ib-app .bar').getByText('Nia New').waitFor();
    expect(new URL(agent.url()).pathname).toBe('/inbox/');
    const list = agent.locator('ib-ticket-list');
    await list.locator('.row', { hasText: 'Question for support' }).waitFor();
    expect(await list.locator('.row', { hasText: 'Question for sales' }).count()).toBe(0);
    await agent.goto(`${node.url}/inbox/t/${salesTicket}`);
    await agent.locator('ib-conversation .not-found').getByRole('heading', { name: 'Ticket not found' }).waitFor();
    // The link is spent.
    const again = await freshPage(browser, link);
    await again.locator('ib-accept-invitation').getByRole('heading', { name: 'This invitation has been accepted already' }).waitFor();
    await shot(again, 'accept-used-desktop');
    await again.context().close();
    // Log out and in again: the same sight.
    await agent.goto(`${node.url}/inbox/`);
    await agent.locator('ib-app .bar ib-button.logout').click();
    await agent.fill('ib-app input[name=email]', email);
    await agent.fill('ib-app input[name=password]', 'nia password 1');
    await agent.click('ib-app .login button');
    await list.locator('.row', { hasText: 'Question for support' }).waitFor();
    expect(await list.locator('.row', { hasText: 'Question for sales' }).count()).toBe(0);
    await agent.context().close();
    await owner.context().close();
  });

  it('an invitation link on a phone, and one that was revoked, say what they are', async () => {
    const email = `pia-${fx.workspaceId}@example.test`;
    const r = await (await fetch(`${node.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: fx.agents[0]!.email, password: fx.agents[0]!.password }) })).json() as { token: string };
    const before = sink.received.length;
    const created = await (await fetch(`${node.url}/api/settings/invitations`, {
      method: 'POST', headers: { authorization: `Bearer ${r.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ email, role: 'agent' }),
    })).json() as { invitation: { id: string } };
    const link = await mailedLink(sink, email, before);
    const phone = await freshPage(browser, link, { width: 375, height: 740 });
    await phone.locator('ib-accept-invitation').getByLabel('Your name').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(phone, 'accept-phone');
    await fetch(`${node.url}/api/settings/invitations/${created.invitation.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${r.token}` } });
    await phone.reload();
    await phone.locator('ib-accept-invitation').getByRole('heading', { name: 'This invitation was withdrawn' }).waitFor();
    await shot(phone, 'accept-revoked-phone');
    await phone.context().close();
  });

  it('an agent deactivated from the People screen is signed out of their open inbox at once', async () => {
    const victim = fx.agents[1]!;
    const agent = await openInbox(browser, node.url, victim);
    await agent.locator('ib-ticket-list .row', { hasText: 'Question for support' }).waitFor();
    const owner = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/people' });
    const people = owner.locator('ib-settings-people');
    await people.getByRole('button', { name: `Deactivate ${victim.name}` }).click();
    await owner.getByRole('dialog', { name: `Deactivate ${victim.name}?` }).waitFor();
    await owner.locator('ib-dialog[open]').getByRole('button', { name: 'Deactivate' }).click();
    // The agent's page is back at the login form without anyone touching it.
    await agent.locator('ib-app form.login').waitFor();
    await agent.fill('ib-app input[name=email]', victim.email);
    await agent.fill('ib-app input[name=password]', victim.password);
    await agent.click('ib-app .login button');
    await agent.locator('ib-app .login .error', { hasText: 'wrong email or password' }).waitFor();
    await people.getByRole('button', { name: `Reactivate ${victim.name}` }).click();
    await people.getByRole('button', { name: `Deactivate ${victim.name}` }).waitFor();
    await agent.context().close();
    await owner.context().close();
  });

  it('a custom role without contacts.read has no contact sidebar (and reads no contact); one with it has', async () => {
    const blind = await createRole(ctxOf(node), { workspaceId: fx.workspaceId, name: 'Ticket readers', permissions: ['tickets.read.all', 'tickets.write'] });
    const email = `blind-${fx.workspaceId}@example.test`;
    await createAgent(node.deps.db, { workspaceId: fx.workspaceId, email, name: 'Bo Blind', password: 'pw-blind-1', roleId: decodeId('role', blind.id)! });
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'Who am I to you?', clientMessageId: cmid() });
    const contactCalls: string[] = [];
    const page = await openInbox(browser, node.url, { email, password: 'pw-blind-1' }, { path: `/inbox/t/${m.ticketId}` });
    page.on('websocket', (ws) => ws.on('framesent', (f) => String(f.payload).includes('contact:get') && contactCalls.push(String(f.payload))));
    await thread(page).getByText('Who am I to you?').waitFor();
    expect(await page.locator('ib-contact').count()).toBe(0);
    expect(await page.locator('ib-conversation').getByRole('button', { name: 'Contact details' }).count()).toBe(0);
    await page.setViewportSize({ width: 900, height: 800 });
    expect(await page.locator('ib-conversation').getByRole('button', { name: 'Contact details' }).count()).toBe(0);
    await shot(page, 'no-contacts-desktop');
    expect(contactCalls).toEqual([]);
    await page.context().close();
    // The owner (contacts.read) has the sidebar with the contact's tickets.
    const owner = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${m.ticketId}` });
    await owner.locator('ib-contact').getByRole('heading', { name: 'Tickets' }).waitFor();
    await owner.context().close();
  });

  it('the account’s notification preferences decide what the inbox notifies of, and whether it plays a sound', async () => {
    const who = fx.agents[1]!;
    const token = ((await (await fetch(`${node.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: who.email, password: who.password }) })).json()) as { token: string }).token;
    const patch = await fetch(`${node.url}/api/account`, {
      method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ notificationPrefs: { newTicket: false, myTickets: true, sound: false } }),
    });
    expect(patch.status).toBe(200);
    const page = await openInbox(browser, node.url, who, {
      permissions: ['notifications'],
      init: () => {
        // Record notifications and sounds, and make the tab look like it is in the background.
        const w = window as unknown as { shown: string[]; beeps: number; Notification: typeof Notification; AudioContext: typeof AudioContext };
        w.shown = [];
        w.beeps = 0;
        const Real = w.Notification;
        w.Notification = class extends Real {
          constructor(title: string, opts?: NotificationOptions) {
            super(title, opts);
            w.shown.push(opts?.body ?? '');
          }
        } as typeof Notification;
        const RealAudio = w.AudioContext;
        w.AudioContext = class extends RealAudio {
          createOscillator() {
            w.beeps++;
            return super.createOscillator();
          }
        } as typeof AudioContext;
        Document.prototype.hasFocus = () => false;
        localStorage.setItem('ib-notify', '1');
      },
    });
    const seen = () =>
      page.evaluate(() => {
        const w = window as unknown as { shown: string[]; beeps: number };
        return { shown: w.shown, beeps: w.beeps };
      });
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'a new ticket, quietly', clientMessageId: cmid() });
    await page.locator('ib-ticket-list .row', { hasText: 'a new ticket, quietly' }).waitFor();
    await page.goto(`${node.url}/inbox/t/${m.ticketId}`);
    await page.click('ib-conversation ib-button.me');
    await thread(page).getByText(`assigned this to ${who.name}`).waitFor();
    await page.goto(`${node.url}/inbox/`);
    await page.locator('ib-ticket-list .row', { hasText: 'a new ticket, quietly' }).waitFor();
    await ok(v, 'message:send', { body: 'on a ticket of yours', clientMessageId: cmid() });
    // Messages on their tickets notify; new tickets do not; no sound.
    await expect.poll(async () => (await seen()).shown).toEqual(['on a ticket of yours']);
    expect((await seen()).beeps).toBe(0);
    await page.context().close();
  });

  it('forgot password: the login page links to it, the mail’s link sets a new password, every session ends, the new password logs in, the link works once', async () => {
    const who = fx.agents[0]!;
    const elsewhere = await openInbox(browser, node.url, who);
    const page = await freshPage(browser, `${node.url}/inbox/`);
    await page.locator('ib-app').getByRole('link', { name: 'Forgot your password?' }).click();
    const forgot = page.locator('ib-forgot-password');
    await forgot.getByRole('heading', { name: 'Reset your password' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/inbox/forgot');
    await forgot.getByLabel('Email').fill('nope');
    await forgot.getByRole('button', { name: 'Send the link' }).click();
    await forgot.getByText('Enter an email address such as name@example.com').waitFor();
    await shot(page, 'forgot-desktop');
    const before = sink.received.length;
    await forgot.getByLabel('Email').fill(who.email.toUpperCase());
    await forgot.getByRole('button', { name: 'Send the link' }).click();
    await forgot.getByRole('heading', { name: 'Check your email' }).waitFor();
    await shot(page, 'forgot-sent-desktop');
    const link = await mailedLink(sink, who.email, before);
    expect(link.startsWith(`${node.url}/inbox/reset/`)).toBe(true);

    await page.goto(link);
    const reset = page.locator('ib-reset-password');
    await reset.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await reset.locator('input[name=password]').fill('short');
    await reset.getByRole('button', { name: 'Set the new password' }).click();
    await reset.getByText('Use at least 8 characters').waitFor();
    await shot(page, 'reset-desktop');
    await reset.locator('input[name=password]').fill('the new owner password');
    await reset.getByRole('button', { name: 'Set the new password' }).click();
    await reset.getByRole('heading', { name: 'Your password is changed' }).waitFor();
    // The inbox open in the other browser is signed out at once.
    await elsewhere.locator('ib-app form.login').waitFor();
    await elsewhere.context().close();
    await reset.getByRole('link', { name: 'Log in' }).click();
    await page.fill('ib-app input[name=email]', who.email);
    await page.fill('ib-app input[name=password]', 'the new owner password');
    await page.click('ib-app .login button');
    await page.locator('ib-app .bar').waitFor();
    who.password = 'the new owner password';
    // The link works once.
    const used = await freshPage(browser, link, { width: 375, height: 740 });
    await used.locator('ib-reset-password').getByRole('heading', { name: 'This link has been used already' }).waitFor();
    await shot(used, 'reset-used-phone');
    await used.context().close();
    await page.context().close();
  });
});
