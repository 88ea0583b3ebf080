import type { CannedResponse, Team } from '@support/protocol';
import type { FormValues } from '../form/form-controller.js';
import type { SelectOption } from '../../components/ib-select/ib-select.js';

/** The form values of a canned response (a new one, with `body`, when null). */
export function cannedValues(r: CannedResponse | null, body = ''): FormValues {
  return {
    shortCode: r?.shortCode ?? '',
    title: r?.title ?? '',
    body: r?.body ?? body,
    folder: r?.folder ?? '',
    sharing: r?.sharing ?? 'personal',
    teamId: r?.teamId ?? '',
  };
}

/** The request body of the form's values: a team only with team sharing; `attachmentIds` when given. */
export function cannedBody(v: FormValues, attachmentIds?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    shortCode: String(v.shortCode).replace(/^\//, ''),
    title: v.title,
    body: v.body,
    folder: v.folder,
    sharing: v.sharing,
    teamId: v.sharing === 'team' && v.teamId ? v.teamId : null,
  };
  if (attachmentIds) out.attachmentIds = attachmentIds;
  return out;
}

/** The teams a member may share with: theirs, or every team with settings.workflow. */
export function teamOptions(teams: readonly Team[], me: string | undefined, manages: boolean): SelectOption[] {
  const mine = teams.filter((t) => manages || (me !== undefined && t.memberIds.includes(me)));
  return [{ value: '', label: 'Choose a team' }, ...mine.map((t) => ({ value: t.id, label: t.name }))];
}

/** Whether member `me` may change `r`: their personal one, their team's, or any with settings.workflow. */
export function mayEdit(r: CannedResponse, me: string | undefined, teams: readonly Team[], manages: boolean): boolean {
  if (r.sharing === 'personal') return r.ownerId === me;
  if (manages) return true;
  return r.sharing === 'team' && !!me && !!teams.find((t) => t.id === r.teamId)?.memberIds.includes(me);
}
