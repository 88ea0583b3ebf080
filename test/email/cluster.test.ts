import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSockets, cmid, connect, login, next, ok, seedWorkspace, startNode, type Node } from '../support/harness.js';
import { fixture, postRaw, seedEmailInbox, workerCtx } from '../support/email.js';
import { processOutbox } from '../../server/src/email/outbox.worker.js';
import { toWire } from '../../server/src/db/ids.js';

const nodes: Node[] = [];
afterAll(async () => {
  closeSockets();
  await Promise.all(nodes.map((n) => n.app.close()));
});

describe('email across nodes', () => {
  it('mail taken in on one node and a delivery change on another reach an agent on a third', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const [a, b, c] = await Promise.all([startNode('postgres', { prefix }), startNode('postgres', { prefix }), startNode('postgres', { prefix })]);
    nodes.push(a!, b!, c!);
    const fx = await seedWorkspace(a!.deps.db, 1);
    const ib = await seedEmailInbox(a!.deps.db, fx.workspaceId);
    const agent = await connect(c!.url, '/agent', { token: await login(c!.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    const created = next(agent, 'ticket:new', (e) => e.ticket.channel === 'email');
    const r = await postRaw(a!, ib, fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@', `cluster-${Date.now()}@`));
    expect(r.body.data.result).toBe('created');
    expect((await created).ticket.id).toBe(r.body.data.ticketId);
    const reply = await ok(agent, 'message:send', { ticketId: r.body.data.ticketId, body: 'hello from node c', clientMessageId: cmid() });
    const delivery = next(agent, 'message:delivery', (e) => e.messageId === reply.id);
    expect((await processOutbox(workerCtx(b!), null, { workspaceId: fx.workspaceId })).not_sent).toBe(1);
    expect((await delivery).delivery).toMatchObject({ status: 'not_sent', reason: 'no SMTP configured' });
  });
});
