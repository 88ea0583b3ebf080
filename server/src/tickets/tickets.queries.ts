import { sql, type SQL } from 'drizzle-orm';
import type { Channel, Ticket, TicketListItem } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { toWireOrNull } from '../db/ids.js';
import { ticketDto } from '../lib/dto.js';

const ticketColumns = sql`t.*, ct.name as requester_name, ct.email as requester_email, i.channel,
  coalesce((select array_agg(tg.name order by tg.name) from ticket_tags tt join tags tg on tg.id = tt.tag_id
            where tt.ticket_id = t.id), '{}') as tags`;
const ticketJoins = sql`join contacts ct on ct.id = t.requester_id join inboxes i on i.id = t.inbox_id`;

/** The select list every ticket DTO is built from (ticket + requester + channel + tags). */
export const ticketSelect = sql`${ticketColumns} from tickets t ${ticketJoins}`;

/** One ticket as its wire DTO, or null when it is not in this workspace (or `visible`, a condition on `t`, is false). */
export async function getTicketDto(db: Db | Tx, ws: string, ticketId: string, visible: SQL = sql`true`): Promise<Ticket | null> {
  const [r] = await db.rows(sql`select ${ticketSelect} where t.workspace_id = ${ws}::uuid and t.id = ${ticketId}::uuid and ${visible}`);
  return r ? ticketDto(r) : null;
}

export type TicketFilter = {
  workspaceId: string;
  /** The tickets the reader may see: a condition on `t` (visibility.ts `visibleTicketSql`). */
  visible: SQL;
  view: 'mine' | 'unassigned' | 'all';
  userId: string;
  statuses: string[] | null;
  inboxId: string | null;
  /** `updated`: latest activity first; `sla`: soonest SLA due time first, then tickets without one by id. */
  sort?: 'updated' | 'sla';
  /** Where the previous page ended, in the order of `sort` (`sla`: `dueAt` null once past the tickets with a due time). */
  cursor: { updatedAt: Date; id: string } | { dueAt: Date | null; id: string } | null;
  limit: number;
  /** Text filter (already trimmed, non-empty): subject, contact name/email, or a ticket number (`42`; `#42` is the number only). */
  q?: string | null;
};

/** `s` as an ILIKE pattern matching it anywhere, with its own `%`, `_` and `\\` taken literally. */
export function containsPattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A page of list rows, newest activity first, keyset-paginated on (updated_at, id) (or by
 * time to breach, `sort: 'sla'`, on (sla_due_at, id) then id). Each row
 * carries its latest conversation with that conversation's last seq, and its unread count
 * (contact messages after the agent read marker), computed for the page's rows only.
 */
export async function queryTickets(db: Db, f: TicketFilter): Promise<TicketListItem[]> {
  const rows = await db.rows(ticketListQuery(f));
  return rows.map((r) => ({
    ...ticketDto(r),
    conversationId: toWireOrNull('conversation', r.conversation_id as string | null),
    lastSeq: Number(r.last_seq ?? 0),
    unreadCount: Number(r.unread_count),
  }));
}

/** The statement behind `queryTickets` (exported for EXPLAIN in bench/inbox-list.ts). */
export function ticketListQuery(f: TicketFilter): SQL {
  const where: SQL[] = [sql`t.workspace_id = ${f.workspaceId}::uuid`, f.visible];
  if (f.view === 'mine') where.push(sql`t.assignee_id = ${f.userId}::uuid`);
  if (f.view === 'unassigned') where.push(sql`t.assignee_id is null`);
  // One status as an equality, so the (workspace, status, updated_at, id) index gives the order.
  if (f.statuses?.length === 1) where.push(sql`t.status = ${f.statuses[0]}::ticket_status`);
  else if (f.statuses) where.push(sql`t.status = any(${`{${f.statuses.join(',')}}`}::ticket_status[])`);
  if (f.inboxId) where.push(sql`t.inbox_id = ${f.inboxId}::uuid`);
  const hashNumber = f.q ? /^#(\d{1,9})$/.exec(f.q) : null;
  if (hashNumber) where.push(sql`t.number = ${Number(hashNumber[1])}::int`); // "#42": the number only, by index
  else if (f.q) {
    const pattern = containsPattern(f.q);
    const num = /^\d{1,9}$/.test(f.q) ? Number(f.q) : null;
    where.push(sql`(t.subject ilike ${pattern} or ct.name ilike ${pattern} or ct.email ilike ${pattern}
      ${num !== null ? sql`or t.number = ${num}::int` : sql``})`);
  }
  const from = sql`from tickets t ${f.q && !hashNumber ? sql`join contacts ct on ct.id = t.requester_id` : sql``}`;
  const page = f.sort === 'sla' ? slaPage(f, from, where) : updatedPage(f, from, where);
  // The page's ids first (an index walk on tickets alone, stopped at the limit), then the
  // joins, tags, latest conversation and unread count for those rows only.
  return sql`select ${ticketColumns}, lc.id as conversation_id, lc.last_seq,
      (select count(*) from conversations c join messages m on m.conversation_id = c.id and m.seq > c.agent_last_read_seq
        where c.ticket_id = t.id and m.author_type = 'contact')::int as unread_count
    from (${page}) page
    join tickets t on t.id = page.id ${ticketJoins}
    left join lateral (select c.id, c.last_seq from conversations c where c.ticket_id = t.id order by c.created_at desc limit 1) lc on true
    order by ${f.sort === 'sla' ? sql`t.sla_due_at asc nulls last, t.id asc` : sql`t.updated_at desc, t.id desc`}`;
}

/** The ids of a page by latest activity: keyset on (updated_at, id), both descending. */
function updatedPage(f: TicketFilter, from: SQL, where: SQL[]): SQL {
  const c = f.cursor && 'updatedAt' in f.cursor ? f.cursor : null;
  const all = c ? [...where, sql`(t.updated_at, t.id) < (${c.updatedAt}::timestamptz, ${c.id}::uuid)`] : where;
  // NULLS LAST as in the indexes (the columns are NOT NULL; the planner needs the spelling to match).
  return sql`select t.id ${from} where ${sql.join(all, sql` and `)}
    order by t.updated_at desc nulls last, t.id desc nulls last limit ${f.limit}::int`;
}

/**
 * The ids of a page by time to breach: the tickets with a due time by (sla_due_at, id) through
 * the partial index `tickets_ws_sla_due_idx`, then those without one by id. Two keyset walks,
 * each stopped at the limit: a cursor past the first part (`dueAt` null) skips it.
 */
function slaPage(f: TicketFilter, from: SQL, where: SQL[]): SQL {
  const c = f.cursor && 'dueAt' in f.cursor ? f.cursor : null;
  const dueWhere = [...where, sql`t.sla_due_at is not null`];
  if (c?.dueAt) dueWhere.push(sql`(t.sla_due_at, t.id) > (${c.dueAt}::timestamptz, ${c.id}::uuid)`);
  const noneWhere = [...where, sql`t.sla_due_at is null`];
  if (c && !c.dueAt) noneWhere.push(sql`t.id > ${c.id}::uuid`);
  const none = sql`(select t.id, null::timestamptz as due ${from} where ${sql.join(noneWhere, sql` and `)} order by t.id limit ${f.limit}::int)`;
  if (c && !c.dueAt) return sql`select id from ${none} n order by id`;
  return sql`select id from (
      (select t.id, t.sla_due_at as due ${from} where ${sql.join(dueWhere, sql` and `)} order by t.sla_due_at, t.id limit ${f.limit}::int)
      union all ${none}) u
    order by due asc nulls last, id limit ${f.limit}::int`;
}

const channels = new Map<string, Channel>();

/**
 * A ticket's channel (its inbox's), or null when the ticket is not in this workspace.
 * Cached per node: a ticket never changes inbox, so chat replies pay the lookup once.
 */
export async function ticketChannel(db: Db | Tx, ws: string, ticketId: string): Promise<Channel | null> {
  const key = `${ws}:${ticketId}`;
  const hit = channels.get(key);
  if (hit) return hit;
  const [r] = await db.rows<{ channel: Channel }>(sql`select i.channel from tickets t join inboxes i on i.id = t.inbox_id
    where t.id = ${ticketId}::uuid and t.workspace_id = ${ws}::uuid`);
  if (!r) return null;
  if (channels.size >= 100_000) channels.clear();
  channels.set(key, r.channel);
  return r.channel;
}
