import { z } from 'zod';
import { jsonText } from './text.js';
import { idSchema } from './ids.js';
import { templateSchema } from './templates.js';
import { attachmentIdsSchema } from './email.js';
import { sharingSchema, type Sharing } from './automation.js';

/**
 * Canned responses (server/src/canned): saved replies an agent inserts by typing `/` in the
 * composer. The body is a template (templates.ts), filled in the composer for the open ticket.
 * Sharing is as for macros: personal (its author), a team's members, or the workspace.
 */

/** The short code typed after `/`: letters, digits, `-` and `_`, 1–40 characters, unique per workspace (any case). */
export const cannedShortCodeSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40, 'at most 40 characters')
  .regex(/^[\p{L}\p{N}_-]+$/u, 'letters, digits, - and _ only');

export const cannedResponseFieldsSchema = z
  .strictObject({
    shortCode: cannedShortCodeSchema,
    title: jsonText(z.string().trim().min(1, 'must not be empty').max(120, 'at most 120 characters')),
    body: templateSchema,
    /** A folder to group it under in lists (empty: none). */
    folder: jsonText(z.string().trim().max(60, 'at most 60 characters')).default(''),
    sharing: sharingSchema,
    teamId: idSchema('team').nullable().default(null),
    /** Files sent along each time it is used (uploaded first, as for a message). */
    attachmentIds: attachmentIdsSchema.default([]),
  })
  .superRefine((c, ctx) => {
    if (c.sharing === 'team' && !c.teamId) ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'pick the team to share with' });
    if (c.sharing !== 'team' && c.teamId) ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'only a team response names a team' });
  });
export type CannedResponseFields = z.infer<typeof cannedResponseFieldsSchema>;

export type CannedAttachment = { id: string; filename: string; contentType: string; size: number };

export type CannedResponse = {
  id: string;
  shortCode: string;
  title: string;
  body: string;
  folder: string;
  sharing: Sharing;
  teamId: string | null;
  ownerId: string | null;
  attachments: CannedAttachment[];
  usageCount: number;
  updatedAt: string;
};

export const cannedResponseUpdateSchema = z.strictObject({
  shortCode: cannedShortCodeSchema.optional(),
  title: jsonText(z.string().trim().min(1, 'must not be empty').max(120, 'at most 120 characters')).optional(),
  body: templateSchema.optional(),
  folder: jsonText(z.string().trim().max(60, 'at most 60 characters')).optional(),
  sharing: sharingSchema.optional(),
  teamId: idSchema('team').nullable().optional(),
  attachmentIds: attachmentIdsSchema.optional(),
  expectedUpdatedAt: z.string().datetime().optional(),
});
export const cannedResponseParamSchema = z.strictObject({ cannedResponseId: idSchema('cannedResponse') });
/** `GET /api/canned-responses?q=`: those the member sees; with `q`, matches by short code first, then title, then body. */
export const cannedResponseListQuerySchema = z.strictObject({
  q: z.string().trim().max(100).optional(),
  folder: z.string().trim().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
/**
 * `POST /api/canned-responses/:cannedResponseId/use`: counts a use and returns fresh copies of its
 * attachments as unsent uploads of the member (to send with the reply).
 */
export type CannedResponseUse = { attachments: CannedAttachment[] };
