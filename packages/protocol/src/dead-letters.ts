import { z } from 'zod';
import { idSchema } from './ids.js';

/** Bodies and answers of `/api/settings/dead-letters` (routes.ts): inbound mail an email inbox could not take in. */

/** Rows one page of `GET /api/settings/dead-letters` holds at most. */
export const DEAD_LETTER_PAGE_MAX = 100;
/** Dead letters one bulk delete may name. */
export const DEAD_LETTER_BULK_MAX = 200;
/** Bytes of the raw mail `GET /api/settings/dead-letters/:id` shows as text (the download has it all). */
export const DEAD_LETTER_PREVIEW_BYTES = 256 * 1024;

/** `GET /api/settings/dead-letters`: newest first, `limit` a page, `cursor` the previous page's `nextCursor`. */
export const deadLetterListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(DEAD_LETTER_PAGE_MAX).default(25),
});
export const deadLetterParamSchema = z.strictObject({ deadLetterId: idSchema('deadLetter') });
/** `POST /api/settings/dead-letters/delete`: the dead letters to delete (one transaction; ids not in the workspace are NOT_FOUND and nothing is deleted). */
export const deadLetterBulkDeleteSchema = z.strictObject({
  ids: z.array(idSchema('deadLetter')).min(1, 'choose at least one').max(DEAD_LETTER_BULK_MAX),
});

/** One dead letter as the list shows it. */
export type DeadLetter = {
  id: string;
  /** The inbox that received it; null when that inbox was deleted since. */
  inbox: { id: string; name: string } | null;
  /** Why it was not taken in (the last attempt's reason after a failed reprocess). */
  reason: string;
  /** The From address as far as it could be read; null when it could not. */
  sender: string | null;
  subject: string | null;
  /** Bytes of the raw mail. */
  size: number;
  receivedAt: string;
  /** Reprocess attempts so far, and when the last one ran. */
  attempts: number;
  lastAttemptAt: string | null;
};

export type DeadLetterPage = { deadLetters: DeadLetter[]; nextCursor: string | null };

/** `GET /api/settings/dead-letters/:id`: the dead letter and the start of its raw mail as text. */
export type DeadLetterDetail = DeadLetter & {
  /** The raw mail decoded as UTF-8 (invalid bytes replaced), at most DEAD_LETTER_PREVIEW_BYTES of it. */
  rawText: string;
  /** Whether `rawText` stops before the end (download the raw mail for all of it). */
  truncated: boolean;
};

/**
 * `POST /api/settings/dead-letters/:id/reprocess`: what the mail became this time. Taken in
 * (`created`, `duplicate`: it was already; `bounce`, `report`: a machine report on its ticket):
 * the dead letter is gone. `dead_letter`: it was refused again and stays, with the new reason.
 */
export type DeadLetterReprocessResult =
  | { result: 'created'; ticketId: string; messageId: string; newTicket: boolean }
  | { result: 'duplicate'; ticketId: string; messageId: string }
  | { result: 'bounce' | 'report'; ticketId: string | null }
  | { result: 'dead_letter'; reason: string; deadLetter: DeadLetter };

/** `POST /api/settings/dead-letters/delete`: how many were deleted. */
export type DeadLettersDeleted = { deleted: number };
