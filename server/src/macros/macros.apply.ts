import { sql } from 'drizzle-orm';
import type { ActionOutcome, MacroApplyResult } from '@support/protocol';
import { toWire } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { runActions } from '../actions/actions.service.js';
import { changeTicket, insertActivity } from '../tickets/tickets.service.js';
import { requireVisibleTicket } from '../tickets/visibility.js';
import { visibleMacro, type MacroMember, type MacroRow } from './macros.service.js';

/** Tickets one bulk apply takes at most (the route's schema says so too). */
export const MACRO_BULK_MAX = 100;

const resultOf = (ticketId: string, actions: ActionOutcome[]): MacroApplyResult => {
  const failed = actions.find((a) => !a.ok);
  return { ticketId: toWire('ticket', ticketId), ok: !failed, ...(failed ? { code: failed.code ?? 'FAILED', message: failed.summary } : {}), actions };
};

const actorOf = (m: MacroMember, macro: MacroRow) =>
  ({ type: 'agent' as const, userId: m.userId, permissions: m.permissions, macro: { id: toWire('macro', macro.id), name: macro.name } });

/** What a macro would do on a ticket the member sees, changing nothing (NOT_FOUND for a macro or ticket they do not see). */
export async function previewMacro(ctx: ServiceContext, m: MacroMember, o: { macroId: string; ticketId: string }): Promise<MacroApplyResult> {
  const macro = await visibleMacro(ctx.db, m, o.macroId);
  await requireVisibleTicket(ctx.db, m, o.ticketId);
  const actions = await runActions(ctx, { workspaceId: m.workspaceId, ticketId: o.ticketId, actions: macro.actions, actor: actorOf(m, macro), dryRun: true });
  return resultOf(o.ticketId, actions);
}

async function applyOne(ctx: ServiceContext, m: MacroMember, macro: MacroRow, ticketId: string): Promise<MacroApplyResult> {
  await requireVisibleTicket(ctx.db, m, ticketId);
  const at = ctx.clock.now();
  const actions = await runActions(ctx, { workspaceId: m.workspaceId, ticketId, actions: macro.actions, actor: actorOf(m, macro) });
  const actor = { type: 'agent' as const, id: m.userId };
  // The usage count and the `macro` activity (dated when it was applied: before the changes it made) in one transaction.
  await changeTicket(ctx, { workspaceId: m.workspaceId, ticketId, actor }, async (tx) => {
    await tx.rows(sql`update macros set usage_count = usage_count + 1 where id = ${macro.id}::uuid and workspace_id = ${m.workspaceId}::uuid`);
    const newValue = { macroId: toWire('macro', macro.id), macroName: macro.name, actions };
    return [await insertActivity(tx, { ws: m.workspaceId, ticketId, kind: 'macro', actor, oldValue: null, newValue, now: at })];
  });
  return resultOf(ticketId, actions);
}

/**
 * Applies a macro the member sees to a ticket they see (NOT_FOUND otherwise): runs its actions
 * as the member (each checked against their permissions; a failing one does not stop the
 * others), counts the use, and writes a `macro` activity with what each action did.
 */
export async function applyMacro(ctx: ServiceContext, m: MacroMember, o: { macroId: string; ticketId: string }): Promise<MacroApplyResult> {
  return applyOne(ctx, m, await visibleMacro(ctx.db, m, o.macroId), o.ticketId);
}

/** Applies a macro to up to MACRO_BULK_MAX tickets, one after another; each is reported on its own (a ticket not seen is NOT_FOUND there). */
export async function applyMacroBulk(ctx: ServiceContext, m: MacroMember, o: { macroId: string; ticketIds: string[] }): Promise<MacroApplyResult[]> {
  const macro = await visibleMacro(ctx.db, m, o.macroId);
  const out: MacroApplyResult[] = [];
  for (const ticketId of [...new Set(o.ticketIds)].slice(0, MACRO_BULK_MAX)) {
    try {
      out.push(await applyOne(ctx, m, macro, ticketId));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      out.push({ ticketId: toWire('ticket', ticketId), ok: false, code: err.code, message: err.message, actions: [] });
    }
  }
  return out;
}
