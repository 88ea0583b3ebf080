import { z } from 'zod';
import { decodeAnyId, ID_PREFIX, idSchema, type IdKind } from './ids.js';

/** Who acted: a signed-in user, the server itself (maintenance, retention), or an API client. */
export const AUDIT_ACTOR_TYPES = ['user', 'system', 'api'] as const;
export const auditActorTypeSchema = z.enum(AUDIT_ACTOR_TYPES);
export type AuditActorType = z.infer<typeof auditActorTypeSchema>;

/**
 * Every action the audit log records, dotted `<area>.<what happened>`. A feature that records
 * a new one adds it here (the server refuses to record a name that is not listed) and to
 * docs/operations.md ("Audit log").
 */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.switched',
  'member.invited',
  'member.joined',
  'member.updated',
  'member.deactivated',
  'member.reactivated',
  'member.sessions_revoked',
  'invitation.revoked',
  'invitation.resent',
  'account.updated',
  'account.password_changed',
  'account.password_reset_requested',
  'account.password_reset',
  'team.created',
  'team.updated',
  'team.deleted',
  'role.created',
  'role.updated',
  'role.deleted',
  'inbox.created',
  'inbox.updated',
  'inbox.deleted',
  'inbox.secret_revealed',
  'inbox.secret_rotated',
  'inbox.credentials_regenerated',
  'inbox.test_mail_sent',
  'calendar.created',
  'calendar.updated',
  'calendar.deleted',
  'macro.created',
  'macro.updated',
  'macro.deleted',
  'sla_policy.created',
  'sla_policy.updated',
  'sla_policy.deleted',
  'sla_policy.reordered',
  'routing_policy.created',
  'routing_policy.updated',
  'routing_policy.deleted',
  'routing_capacity.updated',
  'routing_rule.created',
  'routing_rule.updated',
  'routing_rule.deleted',
  'routing_rule.reordered',
  'automation_rule.created',
  'automation_rule.updated',
  'automation_rule.deleted',
  'automation_rule.reordered',
  'workspace.created',
  'workspace.updated',
  'dead_letter.reprocessed',
  'dead_letter.deleted',
  'audit.exported',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Rows one page of `GET /api/settings/audit` holds at most. */
export const AUDIT_PAGE_MAX = 200;
/** The longest `audit_retention_days` a workspace may set (100 years); null keeps rows for ever. */
export const AUDIT_RETENTION_MAX_DAYS = 36_500;

const kinds = Object.keys(ID_PREFIX) as [IdKind, ...IdKind[]];
const datetime = z.iso.datetime({ offset: true });

const filterShape = {
  actorType: auditActorTypeSchema.optional(),
  /** `usr_…`: what this user did. */
  actorId: idSchema('user').optional(),
  /** An action or a prefix of whole segments: `auth` matches `auth.login`, `auth.logout`…; `auth.login` matches only itself. */
  action: z
    .string()
    .max(100)
    .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'must be an action or a prefix of one, such as auth or auth.login')
    .optional(),
  objectType: z.enum(kinds).optional(),
  /** Any wire id (`inb_…`, `usr_…`, `ws_…`); its prefix names the object type. */
  objectId: z
    .string()
    .max(64)
    .refine((v) => decodeAnyId(v) !== null, 'must be an id such as inb_…')
    .optional(),
  /** Inclusive lower bound on the time of the event (ISO 8601 with an offset). */
  from: datetime.optional(),
  /** Exclusive upper bound. */
  to: datetime.optional(),
};

type FilterFields = { objectType?: IdKind | undefined; objectId?: string | undefined; from?: string | undefined; to?: string | undefined };
const consistent = <S extends z.ZodType<FilterFields>>(s: S) =>
  s
    .refine((v) => !v.objectType || !v.objectId || decodeAnyId(v.objectId)?.kind === v.objectType, {
      message: 'objectId is not of objectType',
      path: ['objectId'],
    })
    .refine((v) => !v.from || !v.to || Date.parse(v.from) < Date.parse(v.to), { message: 'must be after from', path: ['to'] });

/** The query of `GET /api/settings/audit` (query-string values, so numbers arrive as text). */
export const auditListQuerySchema = consistent(
  z.strictObject({
    ...filterShape,
    /** `nextCursor` of the previous page. */
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
  }),
);
export type AuditListQuery = z.output<typeof auditListQuerySchema>;

export const AUDIT_EXPORT_FORMATS = ['jsonl', 'csv'] as const;
/** The query of `GET /api/settings/audit/export`: the list's filters and a format. */
export const auditExportQuerySchema = consistent(z.strictObject({ ...filterShape, format: z.enum(AUDIT_EXPORT_FORMATS) }));
export type AuditExportQuery = z.output<typeof auditExportQuerySchema>;
export type AuditFilter = Omit<AuditExportQuery, 'format'>;

/**
 * What changed: only the keys whose value changed (nested objects down to the changed keys;
 * arrays whole), `before` and `after`. A value under a secret-looking key (password, secret,
 * token, key, hash…) reads `"[redacted]"`. For an event that is not an edit (a sign-in, an
 * export) `after` holds what it did.
 */
export const auditDiffSchema = z.object({
  before: z.record(z.string(), z.unknown()).optional(),
  after: z.record(z.string(), z.unknown()).optional(),
});
export type AuditDiff = z.infer<typeof auditDiffSchema>;

/** One audit event as `GET /api/settings/audit` and the JSONL export give it. */
export const auditEventSchema = z.object({
  id: idSchema('auditEvent'),
  createdAt: z.string(),
  actor: z.object({
    type: auditActorTypeSchema,
    /** `usr_…` for a user; null for the system, and for a failed sign-in (whoever typed the address). */
    id: z.string().nullable(),
    /** The actor's name when it acted (kept as it was); for a failed sign-in, the address typed. */
    name: z.string(),
  }),
  action: z.string(),
  object: z.object({ type: z.string(), id: z.string().nullable() }),
  diff: auditDiffSchema.nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const auditPageSchema = z.object({ events: z.array(auditEventSchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;

/** `GET`/`PUT /api/settings/audit/retention`: days audit events are kept, null for ever. */
/** Days audit events are kept (1 to 100 years), or null for ever. */
export const auditRetentionDaysSchema = z.number().int().min(1).max(AUDIT_RETENTION_MAX_DAYS).nullable();
export const auditRetentionSchema = z.strictObject({ days: auditRetentionDaysSchema });
export type AuditRetention = z.infer<typeof auditRetentionSchema>;
