import { sql } from 'drizzle-orm';
import type { Notification, NotificationKind, NotificationList } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId, toWire, toWireOrNull } from '../db/ids.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';
import { queueSystemMail } from '../email/system-mail.js';

export type NotifyOpts = {
  workspaceId: string;
  /** Database uuid of the ticket it is about, if any. */
  ticketId: string | null;
  /** Database uuids: members named, and teams whose active members are all told (each member once). */
  userIds: readonly string[];
  teamIds: readonly string[];
  /** Plain text, already filled (templates.ts). */
  message: string;
  /** The rule's or macro's name. */
  source: string;
  kind: NotificationKind;
};

type Row = { id: string; user_id: string; kind: NotificationKind; ticket_id: string | null; ticket_number: number | null; message: string; source: string; read_at: Date | null; created_at: Date };

const dto = (r: Row): Notification => ({
  id: toWire('notification', r.id),
  kind: r.kind,
  ticketId: toWireOrNull('ticket', r.ticket_id),
  ticketNumber: r.ticket_number,
  message: r.message,
  source: r.source,
  readAt: r.read_at ? iso(r.read_at) : null,
  createdAt: iso(r.created_at),
});

const uuids = (ids: readonly string[]) => `{${ids.join(',')}}`;

/** The origin links in mail point at: PUBLIC_URL's, else this server on localhost. */
const origin = (ctx: ServiceContext) => (ctx.config.PUBLIC_URL ? new URL(ctx.config.PUBLIC_URL).origin : `http://localhost:${ctx.config.PORT}`);

async function unreadOf(db: Db | Tx, workspaceId: string, userIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.rows<{ user_id: string; n: number }>(sql`select user_id, count(*)::int as n from notifications
    where workspace_id = ${workspaceId}::uuid and user_id = any(${uuids(userIds)}::uuid[]) and read_at is null group by user_id`);
  return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
}

/**
 * Tells members something, in its own transaction: one notification row per member (active
 * members of the workspace only), `notification:new` to their sockets after commit, and an
 * email to each. Returns how many were told.
 */
export async function notifyMembers(ctx: ServiceContext, o: NotifyOpts): Promise<{ notified: number }> {
  if (!o.userIds.length && !o.teamIds.length) return { notified: 0 };
  const now = ctx.clock.now();
  const smtp = Boolean(ctx.config.SMTP_URL);
  const told = await ctx.db.transaction(async (tx) => {
    const members = await tx.rows<{ id: string; email: string }>(sql`select u.id, u.email from memberships m join users u on u.id = m.user_id
      where m.workspace_id = ${o.workspaceId}::uuid and m.status = 'active' and u.status = 'active'
        and (m.user_id = any(${uuids(o.userIds)}::uuid[])
             or m.user_id in (select tm.user_id from team_members tm where tm.workspace_id = ${o.workspaceId}::uuid and tm.team_id = any(${uuids(o.teamIds)}::uuid[])))`);
    if (!members.length) return [];
    const [t] = o.ticketId
      ? await tx.rows<{ number: number }>(sql`select number from tickets where id = ${o.ticketId}::uuid and workspace_id = ${o.workspaceId}::uuid`)
      : [];
    const ticketId = t ? o.ticketId : null;
    const [w] = await tx.rows<{ name: string }>(sql`select name from workspaces where id = ${o.workspaceId}::uuid`);
    const list = members.map((m) => ({ id: newId(), uid: m.id }));
    const rows = await tx.rows<Row>(sql`insert into notifications (id, workspace_id, user_id, kind, ticket_id, message, source, emailed_at, created_at)
      select n.id, ${o.workspaceId}::uuid, n.uid, ${o.kind}, ${ticketId}::uuid, ${o.message}, ${o.source}, ${smtp ? now : null}::timestamptz, ${now}::timestamptz
      from json_to_recordset(${JSON.stringify(list)}::text::json) as n(id uuid, uid uuid)
      returning id, user_id, kind, ticket_id, ${t?.number ?? null}::int as ticket_number, message, source, read_at, created_at`);
    const link = ticketId ? `${origin(ctx)}/inbox/t/${toWire('ticket', ticketId)}` : `${origin(ctx)}/inbox/`;
    for (const m of members)
      await queueSystemMail(tx, {
        kind: 'notification', to: m.email, params: { kind: 'notification', workspaceName: w?.name ?? '', source: o.source, message: o.message, ticketNumber: t?.number ?? null },
        linkBase: link, token: '', smtp, now,
      });
    const unread = await unreadOf(tx, o.workspaceId, members.map((m) => m.id));
    return rows.map((r) => ({ row: r, unread: unread.get(r.user_id) ?? 1 }));
  });
  for (const { row, unread } of told)
    ctx.bus.publish('notification.new', { workspaceId: toWire('workspace', o.workspaceId), userId: toWire('user', row.user_id), notification: dto(row), unread });
  return { notified: told.length };
}

/** A member's notifications, newest first (`before`: older than that instant), and their unread count. */
export async function listNotifications(
  ctx: ServiceContext,
  o: { workspaceId: string; userId: string; unread?: boolean; before?: string | undefined; limit: number },
): Promise<NotificationList> {
  const rows = await ctx.db.rows<Row>(sql`select n.id, n.user_id, n.kind, n.ticket_id, t.number as ticket_number, n.message, n.source, n.read_at, n.created_at
    from notifications n left join tickets t on t.id = n.ticket_id
    where n.workspace_id = ${o.workspaceId}::uuid and n.user_id = ${o.userId}::uuid
      ${o.unread === true ? sql`and n.read_at is null` : o.unread === false ? sql`and n.read_at is not null` : sql``}
      ${o.before ? sql`and n.created_at < ${o.before}::timestamptz` : sql``}
    order by n.created_at desc, n.id desc limit ${o.limit}`);
  const unread = await unreadOf(ctx.db, o.workspaceId, [o.userId]);
  return { items: rows.map(dto), unread: unread.get(o.userId) ?? 0 };
}

/** Marks some of the member's notifications (uuids; others' are left alone) or all of them read; returns the unread count. */
export async function readNotifications(ctx: ServiceContext, o: { workspaceId: string; userId: string; ids: string[] | 'all' }): Promise<{ unread: number }> {
  const now = ctx.clock.now();
  await ctx.db.rows(sql`update notifications set read_at = ${now}::timestamptz
    where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.userId}::uuid and read_at is null
      ${o.ids === 'all' ? sql`` : sql`and id = any(${uuids(o.ids)}::uuid[])`}`);
  const unread = await unreadOf(ctx.db, o.workspaceId, [o.userId]);
  return { unread: unread.get(o.userId) ?? 0 };
}
