import { z } from 'zod';
import { idSchema } from './ids.js';

/**
 * Inbox notifications (server/src/notifications): a member is told something about a ticket
 * (today: by an automation rule's or macro's `notify` action). Each arrives live as
 * `notification:new` on `/agent` and by email to the member.
 */
export const NOTIFICATION_KINDS = ['automation'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type Notification = {
  id: string;
  kind: NotificationKind;
  ticketId: string | null;
  ticketNumber: number | null;
  /** Plain text; render as text. */
  message: string;
  /** Who or what sent it: a rule's or macro's name. */
  source: string;
  readAt: string | null;
  createdAt: string;
};

export const notificationListQuerySchema = z.strictObject({
  unread: z.enum(['true', 'false']).optional(),
  before: z.string().datetime().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
/** `GET /api/notifications`: a page, newest first, and how many of the member's are unread in all. */
export type NotificationList = { items: Notification[]; unread: number };

/** `POST /api/notifications/read`: mark some (ids) or all as read. */
export const notificationReadSchema = z.union([
  z.strictObject({ ids: z.array(idSchema('notification')).min(1).max(100) }),
  z.strictObject({ all: z.literal(true) }),
]);
/** `notification:new` on `/agent`, to the member's own sockets. */
export type NotificationEvent = { notification: Notification; unread: number };
