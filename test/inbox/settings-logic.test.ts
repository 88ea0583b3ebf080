import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailInboxCreateSchema, inboxUpdateSchema } from '@support/protocol';
import { login, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { settingsRoute, settingsUrl } from '../../inbox/src/lib/route.js';
import { apiError, ApiError } from '../../inbox/src/api.js';
import { can } from '../../inbox/src/settings/areas.js';
import { issuesToErrors, saveFailure, STALE_MESSAGE, validate } from '../../inbox/src/settings/form/form-errors.js';

describe('settings URLs', () => {
  it('reads /inbox/settings/<area>/<id>, and nothing else', () => {
    expect(settingsRoute('/inbox/settings')).toEqual({ area: null, id: null });
    expect(settingsRoute('/inbox/settings/')).toEqual({ area: null, id: null });
    expect(settingsRoute('/inbox/settings/people')).toEqual({ area: 'people', id: null });
    expect(settingsRoute('/inbox/settings/people/usr_1/')).toEqual({ area: 'people', id: 'usr_1' });
    expect(settingsRoute('/inbox/settings/dead-letters/a%2Fb')).toEqual({ area: 'dead-letters', id: 'a/b' });
    expect(settingsRoute('/inbox/settings/x/y/z')).toEqual({ area: 'x/y/z', id: null });
    for (const p of ['/inbox/', '/inbox/t/tkt_1', '/inbox/settingsx', '/settings/people']) expect(settingsRoute(p)).toBeNull();
    expect(settingsUrl()).toBe('/inbox/settings');
    expect(settingsUrl('inboxes', 'inb 1')).toBe('/inbox/settings/inboxes/inb%201');
    expect(settingsRoute(settingsUrl('inboxes', 'inb/1'))).toEqual({ area: 'inboxes', id: 'inb/1' });
  });
});

describe('settings permissions', () => {
  it('follow the session\u2019s permission list, whatever the role', () => {
    expect(can([], 'member')).toBe(true);
    expect(can(['tickets.read.team'], 'settings.people')).toBe(false);
    expect(can(['settings.people'], 'settings.people')).toBe(true);
    expect(can(['settings.people'], 'audit.read')).toBe(false);
  });
});

describe('settings form errors', () => {
  const fields = ['name', 'address', 'fromName'];

  it('the protocol schema’s issues land on their fields (first message each), the rest on the form', () => {
    const errors = validate(emailInboxCreateSchema, { name: '', address: 'nope', extra: 1 }, fields);
    expect(Object.keys(errors).sort()).toEqual(['', 'address', 'name']);
    expect(errors.address).toMatch(/^[A-Z]/);
    expect(validate(emailInboxCreateSchema, { name: 'Billing', address: 'b@example.test' }, fields)).toEqual({});
    expect(issuesToErrors([{ path: 'address.domain', message: 'bad domain' }, { path: 'address', message: 'second' }, { path: '', message: 'whole' }], fields)).toEqual({
      address: 'Bad domain',
      '': 'Whole',
    });
  });

  it('a field may be a dotted path (a body with nested objects): an issue lands on the longest field its path starts with', () => {
    const nested = ['name', 'widget.color', 'widget.preChat.name', 'allowedOrigins', 'smtp.port'];
    const issues = [
      { path: ['widget', 'color'], message: 'must be a colour' },
      { path: 'widget.preChat.name', message: 'bad mode' },
      { path: ['allowedOrigins', 2], message: 'not an origin' },
      { path: 'smtp.port', message: 'must be a port' },
      { path: 'widget.greeting', message: 'not on the form' },
    ];
    expect(issuesToErrors(issues, nested)).toEqual({
      'widget.color': 'Must be a colour',
      'widget.preChat.name': 'Bad mode',
      allowedOrigins: 'Not an origin',
      'smtp.port': 'Must be a port',
      '': 'Not on the form',
    });
    // The server's 400 for a PATCH body, as the inbox maps it.
    const r = inboxUpdateSchema.safeParse({ widget: { color: 'red' }, smtp: { host: 'h', port: 0, tls: 'none' } });
    expect(issuesToErrors(r.error!.issues, nested)).toEqual({ 'widget.color': expect.stringMatching(/^Must be a colour/), 'smtp.port': expect.stringMatching(/^Must be a port/) });
  });

  describe('the server’s refusals, as it sends them', () => {
    let node: Node;
    let fx: Fixture;
    let token: string;
    const post = async (body: unknown) => {
      const res = await fetch(`${node.url}/api/email/inboxes`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      return apiError(res.status, await res.json());
    };
    beforeAll(async () => {
      node = await startNode('embedded');
      fx = await seedWorkspace(node.deps.db, 1);
      token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    });
    afterAll(async () => {
      await node?.app.close();
    });

    it('400 VALIDATION_FAILED: each issue on its field, with the words the client’s own check uses', async () => {
      const body = { name: 'x'.repeat(101), address: 'not an address' };
      const f = saveFailure(await post(body), fields);
      expect(f.stale).toBe(false);
      expect(f.errors).toEqual(validate(emailInboxCreateSchema, body, fields));
      expect(Object.keys(f.errors).sort()).toEqual(['address', 'name']);
    });

    it('409 with details.field: the message on that field', async () => {
      await fetch(`${node.url}/api/email/inboxes`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ name: 'Taken', address: 'taken@example.test' }) });
      expect(saveFailure(await post({ name: 'taken', address: 'free@example.test' }), fields).errors).toEqual({ name: 'An inbox named "taken" already exists' });
      expect(saveFailure(await post({ name: 'Free', address: 'TAKEN@example.test' }), fields).errors).toEqual({ address: 'An inbox with the address taken@example.test already exists' });
    });

    it('409 STALE is "someone else saved"; any other refusal is a message for the form', async () => {
      expect(saveFailure(new ApiError('STALE', 'changed', undefined, 409), fields)).toEqual({ errors: {}, message: STALE_MESSAGE, stale: true });
      const forbidden = await (async () => {
        const res = await fetch(`${node.url}/api/email/inboxes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        return apiError(res.status, await res.json());
      })();
      expect(forbidden.status).toBe(401);
      expect(saveFailure(forbidden, fields)).toEqual({ errors: {}, message: 'Log in first', stale: false });
    });
  });
});
