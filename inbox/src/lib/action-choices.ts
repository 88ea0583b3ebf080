import type { Agent, SlaPolicyRecord, Team } from '@support/protocol';
import { call, rest } from '../api.js';
import { store } from '../store.js';

import type { ActionChoices, Named } from './named.js';

export { nameOf, noActionChoices, type ActionChoices, type Named } from './named.js';

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
