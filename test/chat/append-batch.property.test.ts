import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Db } from '../../server/src/db/client.js';
import { newId } from '../../server/src/db/ids.js';
import { AppendBatcher } from '../../server/src/messages/append-batcher.js';
import { appendMessage, type AppendMessageInput, type AppendResult } from '../../server/src/messages/messages.service.js';
import { closeSockets, seedWorkspace, startNode, type Fixture, type Mode, type Node } from '../support/harness.js';

/**
 * Property: a batch written by the one-statement group commit leaves the database exactly as
 * the same appends written one by one, in order, with the single-append statement: the same
 * messages with the same seqs, the same ticket status, preview, timestamps and first response,
 * the same status activities, the same result kind for every caller. Tickets start in any
 * status; messages go to a conversation or to a ticket (its newest conversation), from the
 * contact or an agent, public or internal, reopening or not, allowed on closed tickets or not,
 * and some are retries of an earlier one.
 */
type World = { tickets: [string, string]; convs: [string, string, string]; contact: string; agent: string };
type Status = 'open' | 'pending' | 'resolved' | 'closed';

const op = fc.record({
  target: fc.constantFrom('c0', 'c1', 'c2', 't0', 't1'),
  who: fc.constantFrom('contact', 'agent'),
  visibility: fc.constantFrom('public', 'internal'),
  reopen: fc.boolean(),
  allowClosed: fc.boolean(),
  /** Repeat of an earlier op (same author, target and client message id), or -1. */
  retryOf: fc.integer({ min: -4, max: 11 }),
});
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

for (const mode of ['postgres', 'embedded'] as Mode[]) {
  describe(`one-statement group commit = one append at a time (${mode})`, () => {
    let node: Node;
    let fx: Fixture;
    beforeAll(async () => {
      node = await startNode(mode);
      fx = await seedWorkspace(node.deps.db, 1);
    });
    afterAll(async () => {
      closeSockets();
      await node.app.close();
    });

    // Two tickets of one contact: ticket 0 with a chat conversation and a newer email one, ticket 1 with one.
    async function world(db: Db, statuses: [Status, Status], firstResponse: [boolean, boolean]): Promise<World> {
      const contact = newId();
      await db.rows(sql`insert into contacts (id, workspace_id, name) values (${contact}::uuid, ${fx.workspaceId}::uuid, 'C')`);
      const tickets = [newId(), newId()] as [string, string];
      const convs = [newId(), newId(), newId()] as [string, string, string];
      const t0 = Date.parse('2026-01-01T00:00:00Z');
      for (const [i, t] of tickets.entries()) {
        const fr = firstResponse[i] ? new Date(t0).toISOString() : null;
        await db.rows(sql`insert into tickets (id, workspace_id, number, subject, status, requester_id, inbox_id, created_at, updated_at, first_response_at, resolved_at)
          values (${t}::uuid, ${fx.workspaceId}::uuid, (select coalesce(max(number), 0) + 1 from tickets where workspace_id = ${fx.workspaceId}::uuid),
                  's', ${statuses[i]}::ticket_status, ${contact}::uuid, ${fx.inboxId}::uuid, ${new Date(t0).toISOString()}::timestamptz,
                  ${new Date(t0).toISOString()}::timestamptz, ${fr}::timestamptz,
                  ${statuses[i] === 'resolved' ? new Date(t0).toISOString() : null}::timestamptz)`);
      }
      const convRows: [string, string, string, number][] = [[convs[0], tickets[0], 'chat', 0], [convs[1], tickets[0], 'email', 1000], [convs[2], tickets[1], 'chat', 0]];
      for (const [id, t, channel, offset] of convRows) {
        const at = new Date(t0 + offset).toISOString();
        await db.rows(sql`insert into conversations (id, workspace_id, ticket_id, channel, created_at, last_activity_at)
          values (${id}::uuid, ${fx.workspaceId}::uuid, ${t}::uuid, ${channel}::channel, ${at}::timestamptz, ${at}::timestamptz)`);
      }
      return { tickets, convs, contact, agent: fx.agents[0]!.id };
    }

    function inputs(w: World, ops: Op[]): AppendMessageInput[] {
      const base = Date.parse('2026-02-01T00:00:00Z');
      const made: AppendMessageInput[] = [];
      for (const [i, o] of ops.entries()) {
        const earlier = o.retryOf >= 0 && o.retryOf < i ? made[o.retryOf]! : null;
        if (earlier) {
          made.push({ ...earlier, now: new Date(base + i * 7) });
          continue;
        }
        const k = Number(o.target.slice(1));
        made.push({
          workspaceId: fx.workspaceId,
          target: o.target[0] === 'c' ? { conversationId: w.convs[k]! } : { ticketId: w.tickets[k]! },
          author: o.who === 'contact' ? { type: 'contact', id: w.contact, name: 'C' } : { type: 'agent', id: w.agent, name: 'A' },
          body: `m${i} "quoted" \\ {braces}, ünï`,
          visibility: o.who === 'contact' ? 'public' : (o.visibility as 'public' | 'internal'),
          clientMessageId: `cm-${i}-${randomUUID()}`,
          now: new Date(base + i * 7),
          allowClosed: o.allowClosed,
          reopen: o.reopen,
        });
      }
      return made;
    }

    async function state(db: Db, w: World) {
      const role = new Map<string, string>([...w.tickets.map((t, i) => [t, `t${i}`] as const), ...w.convs.map((c, i) => [c, `c${i}`] as const), [w.contact, 'contact'], [w.agent, 'agent']]);
      const messages = await db.rows<{ conversation_id: string; seq: number; body: string; visibility: string; author_type: string; created_at: Date }>(sql`
        select conversation_id, ticket_id, seq, body, visibility, author_type, client_message_id, created_at from messages
        where conversation_id in (${w.convs[0]}::uuid, ${w.convs[1]}::uuid, ${w.convs[2]}::uuid) order by conversation_id, seq`);
      // Time order and seq order agree within a conversation.
      for (let i = 1; i < messages.length; i++) {
        const [a, b] = [messages[i - 1]!, messages[i]!];
        if (a.conversation_id === b.conversation_id) expect(new Date(b.created_at).getTime()).toBeGreaterThanOrEqual(new Date(a.created_at).getTime());
      }
      const convs = await db.rows<{ id: string; last_seq: number }>(sql`select id, last_seq from conversations where id in (${w.convs[0]}::uuid, ${w.convs[1]}::uuid, ${w.convs[2]}::uuid)`);
      const tickets = await db.rows<Record<string, unknown>>(sql`select id, status, last_message_preview, updated_at, last_message_at, first_response_at, resolved_at
        from tickets where id in (${w.tickets[0]}::uuid, ${w.tickets[1]}::uuid)`);
      const acts = await db.rows<Record<string, unknown>>(sql`select ticket_id, kind, actor_type, actor_id, old_value, new_value, created_at
        from ticket_activities where ticket_id in (${w.tickets[0]}::uuid, ${w.tickets[1]}::uuid) order by ticket_id, created_at`);
      const iso = (x: unknown) => (x == null ? null : new Date(x as string).toISOString());
      return {
        messages: messages
          .map((m) => ({ conv: role.get(m.conversation_id), seq: m.seq, body: m.body, visibility: m.visibility, author: m.author_type }))
          .sort((a, b) => (a.conv! < b.conv! ? -1 : a.conv! > b.conv! ? 1 : a.seq - b.seq)),
        convs: convs.map((c) => `${role.get(c.id)}:${c.last_seq}`).sort(),
        tickets: tickets
          .map((t) => ({ ...t, id: role.get(t.id as string), updated_at: iso(t.updated_at), last_message_at: iso(t.last_message_at), first_response_at: iso(t.first_response_at), resolved_at: iso(t.resolved_at) }))
          .sort((a, b) => (a.id! < b.id! ? -1 : 1)),
        acts: acts.map((a) => ({ ...a, ticket_id: role.get(a.ticket_id as string), actor_id: role.get(a.actor_id as string), created_at: iso(a.created_at) })).sort((a, b) => (a.ticket_id! < b.ticket_id! ? -1 : 1)),
      };
    }

    const summary = (r: AppendResult) => (r.kind === 'no_target' ? 'no_target' : `${r.kind}:${r.message.body}:${r.message.seq}`);

    it('holds for random batches', async () => {
      const db = node.deps.db;
      await fc.assert(
        fc.asyncProperty(
          fc.array(op, { minLength: 2, maxLength: 12 }),
          fc.tuple(fc.constantFrom<Status>('open', 'pending', 'resolved', 'closed'), fc.constantFrom<Status>('open', 'pending', 'resolved', 'closed')),
          fc.tuple(fc.boolean(), fc.boolean()),
          async (ops, statuses, firstResponse) => {
            const one = await world(db, statuses, firstResponse);
            const sequential: AppendResult[] = [];
            for (const input of inputs(one, ops)) sequential.push(await appendMessage(db, input));

            const batched = await world(db, statuses, firstResponse);
            // Queued in one turn with nothing in flight: one batch, one statement.
            let statements = 0;
            const counting = Object.assign(Object.create(db) as Db, {
              query: (text: string, params: unknown[]) => {
                if (text.includes('json_to_recordset')) statements++;
                return db.query(text, params);
              },
            });
            const batcher = new AppendBatcher(counting, 1, 64);
            const results = await Promise.all(inputs(batched, ops).map((input) => batcher.append(input)));
            expect(statements).toBe(1);
            expect(results.map(summary)).toEqual(sequential.map(summary));
            expect(await state(db, batched)).toEqual(await state(db, one));
          },
        ),
        { numRuns: mode === 'postgres' ? 60 : 25 },
      );
    });

    it('a created result carries the ticket as its batch left it, and the reopen activity once', async () => {
      const db = node.deps.db;
      const w = await world(db, ['resolved', 'open'], [false, false]);
      const ops: Op[] = [
        { target: 'c0', who: 'contact', visibility: 'public', reopen: true, allowClosed: false, retryOf: -1 },
        { target: 'c1', who: 'contact', visibility: 'public', reopen: true, allowClosed: false, retryOf: -1 },
        { target: 't0', who: 'agent', visibility: 'internal', reopen: false, allowClosed: true, retryOf: -1 },
      ];
      const batcher = new AppendBatcher(db, 1, 8);
      const rs = await Promise.all(inputs(w, ops).map((i) => batcher.append(i)));
      const created = rs.map((r) => (r.kind === 'created' ? r : null));
      expect(created.every(Boolean)).toBe(true);
      for (const r of created) {
        expect(r!.ticket.status).toBe('open');
        expect(r!.ticket.lastMessagePreview).toMatch(/^m1 /);
      }
      expect(created.map((r) => r!.activities.length)).toEqual([1, 0, 0]);
      expect(created[0]!.activities[0]).toMatchObject({ kind: 'status_changed', oldValue: 'resolved', newValue: 'open' });
    });
  });
}
