import type { Agent, SlaPolicyRecord, Team } from '@support/protocol';
import { call, rest } from '../api.js';
import { store } from '../store.js';

/** A team, member or SLA policy as the action builder offers it: wire id and name. */
export type Named = { id: string; name: string };

/** What the action builder chooses from (each by name). */
export type ActionChoices = { teams: Named[]; agents: Named[]; policies: Named[] };

export const noActionChoices = (): ActionChoices => ({ teams: [], agents: [], policies: [] });

const byName = (xs: Named[]): Named[] => xs.map((x) => ({ id: x.id, name: x.name })).sort((a, b) => a.name.localeCompare(b.name));

/**
 * The teams, members and SLA policies of the workspace, read once by a screen that builds
 * actions. SLA policies need `settings.workflow`: without it the list is empty (and an
 * `apply_sla` action names its policy by id).
 */
export async function loadActionChoices(): Promise<ActionChoices> {
  const s = store.socket;
  const [teams, agents, policies] = await Promise.all([
    s ? call(s, 'teams:list', {}) : Promise.resolve(store.teams as Team[]),
    s ? call(s, 'agents:list', {}) : Promise.resolve([...store.agents.values()] as Agent[]),
    rest<SlaPolicyRecord[]>('GET', '/api/settings/sla-policies').catch(() => [] as SlaPolicyRecord[]),
  ]);
  return { teams: byName(teams), agents: byName(agents), policies: byName(policies) };
}

/** A name by id, or "someone removed" for an id no longer listed. */
export const nameOf = (xs: Named[], id: string | null | undefined, none = 'nobody') => (id ? xs.find((x) => x.id === id)?.name ?? 'someone removed' : none);
