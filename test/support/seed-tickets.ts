import { sql } from 'drizzle-orm';
import type { Db } from '../../server/src/db/client.js';
import type { Fixture } from './harness.js';

/**
 * Inserts `n` chat tickets straight into the database (one statement), each with a contact,
 * a conversation and one visitor message, with activity spread over the last `n` minutes.
 * For list sizes that would take too long through the widget. Returns the ticket numbers.
 */
export async function seedTickets(db: Db, fx: Fixture, n: number, o: { words?: string } = {}): Promise<{ first: number; last: number }> {
  const [w] = await db.rows<{ ticket_seq: number }>(sql`update workspaces set ticket_seq = ticket_seq + ${n}::int
    where id = ${fx.workspaceId}::uuid returning ticket_seq`);
  const base = Number(w!.ticket_seq) - n;
  const words = o.words ?? 'My order has not arrived yet';
  await db.rows(sql`with g as (
      select i, gen_random_uuid() as ct, gen_random_uuid() as tk, gen_random_uuid() as cv,
             now() - make_interval(mins => ${n}::int - i) - interval '1 hour' as at
      from generate_series(1, ${n}::int) i),
    c as (insert into contacts (id, workspace_id, name, email, attributes, created_at, updated_at)
      select ct, ${fx.workspaceId}::uuid, 'Customer ' || i, 'customer' || i || '@example.test', jsonb_build_object('plan', 'pro'), at, at from g),
    t as (insert into tickets (id, workspace_id, number, subject, status, priority, requester_id, inbox_id, last_message_preview,
                               created_at, updated_at, last_message_at)
      select tk, ${fx.workspaceId}::uuid, ${base}::int + i, ${words} || ' (' || i || ')',
             (case when i % 9 = 0 then 'pending' else 'open' end)::ticket_status,
             (array['low','normal','normal','high','urgent'])[1 + i % 5]::ticket_priority,
             ct, ${fx.inboxId}::uuid, ${words} || ' (' || i || ')', at, at, at from g),
    v as (insert into conversations (id, workspace_id, ticket_id, channel, last_seq, created_at, last_activity_at)
      select cv, ${fx.workspaceId}::uuid, tk, 'chat', 1, at, at from g)
    insert into messages (id, workspace_id, conversation_id, ticket_id, seq, author_type, author_id, body, visibility, created_at)
      select gen_random_uuid(), ${fx.workspaceId}::uuid, cv, tk, 1, 'contact', ct, ${words} || ' (' || i || ')', 'public', at from g`);
  // Fresh statistics, as autovacuum would have after a bulk load, so plans are the real ones.
  if (n >= 1000) await db.rows(sql`analyze tickets, contacts, conversations, messages`);
  return { first: base + 1, last: base + n };
}
