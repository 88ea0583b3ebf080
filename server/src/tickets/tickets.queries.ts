import { sql, type SQL } from 'drizzle-orm';
import type { Ticket } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { ticketDto } from '../lib/dto.js';

/** The select list every ticket DTO is built from (ticket + requester + channel + tags). */
export const ticketSelect = sql`t.*, ct.name as requester_name, ct.email as requester_email, i.channel,
  coalesce((select array_agg(tg.name order by tg.name) from ticket_tags tt join tags tg on tg.id = tt.tag_id
            where tt.ticket_id = t.id), '{}') as tags
  from tickets t join contacts ct on ct.id = t.requester_id join inboxes i on i.id = t.inbox_id`;

/** One ticket as its wire DTO, or null when it is not in this workspace. */
export async function getTicketDto(db: Db | Tx, ws: string, ticketId: string): Promise<Ticket | null> {
  const [r] = await db.rows(sql`select ${ticketSelect} where t.workspace_id = ${ws}::uuid and t.id = ${ticketId}::uuid`);
  return r ? ticketDto(r) : null;
}

export type TicketFilter = {
  workspaceId: string;
  view: 'mine' | 'unassigned' | 'all';
  userId: string;
  statuses: string[] | null;
  inboxId: string | null;
  cursor: { updatedAt: Date; id: string } | null;
  limit: number;
};

/** A page of tickets, newest activity first, keyset-paginated on (updated_at, id). */
export async function queryTickets(db: Db, f: TicketFilter): Promise<Ticket[]> {
  const where: SQL[] = [sql`t.workspace_id = ${f.workspaceId}::uuid`];
  if (f.view === 'mine') where.push(sql`t.assignee_id = ${f.userId}::uuid`);
  if (f.view === 'unassigned') where.push(sql`t.assignee_id is null`);
  if (f.statuses) where.push(sql`t.status = any(${`{${f.statuses.join(',')}}`}::ticket_status[])`);
  if (f.inboxId) where.push(sql`t.inbox_id = ${f.inboxId}::uuid`);
  if (f.cursor) where.push(sql`(t.updated_at, t.id) < (${f.cursor.updatedAt}::timestamptz, ${f.cursor.id}::uuid)`);
  const rows = await db.rows(sql`select ${ticketSelect} where ${sql.join(where, sql` and `)}
    order by t.updated_at desc, t.id desc limit ${f.limit}::int`);
  return rows.map(ticketDto);
}
