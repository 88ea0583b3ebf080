import type { Attachment, CannedAttachment, CannedResponse, CannedResponseUse, Sharing, TemplateValues } from '@support/protocol';
import { rest } from '../api.js';
import type { InboxStore } from '../store.js';

/** Canned responses as the inbox reads and uses them (`/api/canned-responses`). */

export const CANNED_ENDPOINT = '/api/canned-responses';

/** Those the member sees matching `q` (short code first, then title, then body), at most `limit`. */
export function searchCanned(q: string, limit = 8): Promise<CannedResponse[]> {
  const p = new URLSearchParams({ limit: String(limit) });
  if (q) p.set('q', q);
  return rest('GET', `${CANNED_ENDPOINT}?${p}`);
}

/** Counts a use; its files come back as fresh uploads of the member, ready for the draft. */
export async function useCanned(id: string): Promise<Attachment[]> {
  const r = await rest<CannedResponseUse>('POST', `${CANNED_ENDPOINT}/${encodeURIComponent(id)}/use`);
  return r.attachments.map(uploadOf);
}

/** A file of a canned response as an upload of the composer. */
export const uploadOf = (a: CannedAttachment): Attachment => ({ ...a, inline: false, url: `/api/attachments/${a.id}` });

/** What fills a template in the open ticket: what the inbox has loaded of it, its contact, the agent, team, inbox and workspace. */
export function templateValuesOf(s: Pick<InboxStore, 'open' | 'agent' | 'teams' | 'inboxes' | 'workspace'>): TemplateValues {
  const t = s.open?.ticket;
  const c = s.open?.contact;
  return {
    'contact.name': c?.name ?? t?.requester.name,
    'contact.email': c?.email ?? t?.requester.email,
    'ticket.number': t?.number,
    'ticket.subject': t?.subject,
    'ticket.status': t?.status,
    'ticket.priority': t?.priority,
    'agent.name': s.agent?.name,
    'agent.email': s.agent?.email,
    'team.name': t?.teamId ? s.teams.find((x) => x.id === t.teamId)?.name : undefined,
    'inbox.name': t ? s.inboxes.find((x) => x.id === t.inboxId)?.name : undefined,
    'workspace.name': s.workspace?.name,
    attributes: c?.attributes ?? null,
  };
}

/** Who sees a response, in words. */
export function sharingText(sharing: Sharing, teamName: string | null): string {
  if (sharing === 'workspace') return 'Everyone';
  if (sharing === 'team') return teamName ? `Team ${teamName}` : 'A team';
  return 'Only me';
}

/** The sharing choices a member has: a team needs a team to pick; everyone needs settings.workflow. */
export function sharingOptions(manages: boolean, hasTeams: boolean) {
  return [
    { value: 'personal', label: 'Only me' },
    { value: 'team', label: 'A team', disabled: !hasTeams },
    { value: 'workspace', label: 'Everyone in the workspace', disabled: !manages },
  ];
}
